/**
 * Each bound a ZMTP peer can run into, at its edge, with a scripted raw
 * peer: message parts, whole-message size, command size, subscription
 * bytes per peer and in total, Identity length, idle connections; and what
 * is not the peer's fault (an internal error) or must never show (the
 * PLAIN password).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { Dealer, Publisher, Pull, Router, Subscriber, XPublisher } from "../../src/index.js";
import { RawListener, RawPeer, command, frame, greetingBytes, message, pingData, ready } from "../zmtp/raw/raw-peer.js";
import { nextEvent, track } from "../zmtp/sockets/helpers.js";
import { ourError } from "../support/our-error.js";

/** A handshaken raw peer of `type`, closed when the test ends. */
async function rawPeer(t: { after(fn: () => void): void }, endpoint: string, type: string, extra: ReadonlyArray<readonly [string, Buffer | string]> = []): Promise<RawPeer> {
  const p = await RawPeer.connect(endpoint);
  t.after(() => p.destroy());
  await p.handshake(type, extra);
  return p;
}

/** Resolves once the server has read everything sent before (its PONG comes back in order). */
async function roundTrip(p: RawPeer): Promise<void> {
  p.write(command("PING", pingData(0, Buffer.from("rt"))));
  for (;;) {
    const f = await p.readFrame();
    if ((f.flags & 0x04) !== 0 && f.body.toString("latin1", 1, 5) === "PONG") return;
  }
}

/** A long-form frame header declaring `size` octets, without the body. */
function header(flags: number, size: number): Buffer {
  const h = Buffer.alloc(9);
  h[0] = flags | 0x02;
  h.writeBigUInt64BE(BigInt(size), 1);
  return h;
}

test("defaults: 1,000 parts per message, no idle timeout, 16 MiB of subscriptions per peer and 256 MiB in all", (t) => {
  const [pull, pub, xpub] = track(t, new Pull(), new Publisher(), new XPublisher());
  assert.equal(pull.maxMessageParts, 1000);
  assert.equal(pull.idleTimeout, 0);
  for (const s of [pub, xpub]) {
    assert.equal(s.maxSubscriptionBytesPerPeer, 16 * 1024 * 1024);
    assert.equal(s.maxSubscriptionBytes, 256 * 1024 * 1024);
  }
  const [set] = track(t, new Publisher({ maxMessageParts: 3, idleTimeout: 10, maxSubscriptionBytesPerPeer: 5, maxSubscriptionBytes: -1 }));
  assert.deepEqual([set.maxMessageParts, set.idleTimeout, set.maxSubscriptionBytesPerPeer, set.maxSubscriptionBytes], [3, 10, 5, -1]);
});

test("maxMessageParts: a message of exactly that many parts passes; one part more ends the connection", async (t) => {
  const [pull] = track(t, new Pull({ maxMessageParts: 5, receiveTimeout: 3000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const peer = await rawPeer(t, pull.lastEndpoint!, "PUSH");
  peer.write(message(["1", "2", "3", "4", "5"]));
  assert.equal((await pull.receive()).length, 5);
  const dropped = nextEvent(pull, "disconnect");
  // Empty parts, never ended: the sixth is refused from its flags.
  peer.write(Buffer.concat(Array.from({ length: 6 }, () => frame("", 0x01))));
  const e = await dropped;
  assert.equal(ourError(e)?.code, "EMSGSIZE");
  assert.match(ourError(e)!.message, /more than 5 parts/);
  await peer.waitClosed();
});

test("maxMessageSize bounds the sum of a message's frames, refused from the header of the frame over it", async (t) => {
  const [pull] = track(t, new Pull({ maxMessageSize: 100, receiveTimeout: 3000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const peer = await rawPeer(t, pull.lastEndpoint!, "PUSH");
  peer.write(message([Buffer.alloc(50), Buffer.alloc(50)]));
  assert.deepEqual((await pull.receive()).map((p) => p.length), [50, 50]);
  // Each frame is under the limit; together they are one octet over it.
  const dropped = nextEvent(pull, "disconnect");
  peer.write(frame(Buffer.alloc(50), 0x01), header(0, 51));
  const e = await dropped;
  assert.equal(ourError(e)?.code, "EMSGSIZE");
  assert.match(ourError(e)!.message, /message of at least 101 octets \(2 parts\) exceeds the limit of 100/);
});

test("commands after the handshake are capped at 64 KiB (and by maxMessageSize), refused from their header", async (t) => {
  const [pull] = track(t, new Pull({ receiveTimeout: 3000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const ok = await rawPeer(t, pull.lastEndpoint!, "PUSH");
  ok.write(command("X-BIG", Buffer.alloc(64 * 1024 - 6), true), message(["after"]));
  assert.deepEqual((await pull.receive()).map(String), ["after"], "an unknown command of exactly 64 KiB is read and ignored");
  const big = await rawPeer(t, pull.lastEndpoint!, "PUSH");
  const dropped = nextEvent(pull, "disconnect");
  big.write(header(0x04, 64 * 1024 + 1));
  assert.equal(ourError(await dropped)?.code, "EMSGSIZE");
  await big.waitClosed();

  const [small] = track(t, new Pull({ maxMessageSize: 10 }));
  await small.bind("tcp://127.0.0.1:0");
  const p = await rawPeer(t, small.lastEndpoint!, "PUSH");
  const refused = nextEvent(small, "disconnect");
  p.write(command("PING", pingData(0, Buffer.alloc(16))));
  assert.equal(ourError(await refused)?.code, "EMSGSIZE", "libzmq holds commands to maxMessageSize too");
});

test("a publisher takes a SUBSCRIBE as large as its per-peer bound, and refuses a larger one from its header", async (t) => {
  const [pub] = track(t, new Publisher({ maxSubscriptionBytesPerPeer: 256 * 1024 }));
  await pub.bind("tcp://127.0.0.1:0");
  const sub = await rawPeer(t, pub.lastEndpoint!, "SUB");
  const topic = Buffer.alloc(100 * 1024, 0x61);
  sub.write(command("SUBSCRIBE", topic, true));
  await roundTrip(sub);
  await pub.send([topic, "hit"]);
  assert.deepEqual((await sub.readMessage()).map((p) => p.length), [topic.length, 3]);
  const dropped = nextEvent(pub, "disconnect");
  sub.write(header(0x04, 300 * 1024));
  assert.equal(ourError(await dropped)?.code, "EMSGSIZE");
});

test("maxSubscriptionBytesPerPeer: repeats cost nothing; the subscription past the bound ends that peer only", async (t) => {
  const [pub] = track(t, new Publisher({ maxSubscriptionBytesPerPeer: 1000 }));
  await pub.bind("tcp://127.0.0.1:0");
  const greedy = await rawPeer(t, pub.lastEndpoint!, "SUB");
  const modest = await rawPeer(t, pub.lastEndpoint!, "SUB");
  modest.write(command("SUBSCRIBE", Buffer.from("m")));
  await roundTrip(modest);
  const topic = Buffer.alloc(500, 0x62);
  for (let i = 0; i < 10; i++) greedy.write(command("SUBSCRIBE", topic, true));
  await roundTrip(greedy);
  const dropped = nextEvent(pub, "disconnect");
  // 500 + 64 (SUBSCRIPTION_OVERHEAD) twice is over 1000.
  greedy.write(command("SUBSCRIBE", Buffer.alloc(500, 0x63), true));
  const e = await dropped;
  assert.equal(ourError(e)?.code, "ENOBUFS");
  assert.match(ourError(e)!.message, /over maxSubscriptionBytesPerPeer \(1000\)/);
  await greedy.waitClosed();
  await pub.send(["m", "still served"]);
  assert.deepEqual((await modest.readMessage()).map(String), ["m", "still served"]);
});

test("maxSubscriptionBytes: the peer that would pass the total is ended; what a departed peer held is released", async (t) => {
  const [pub] = track(t, new Publisher({ maxSubscriptionBytes: 2000 }));
  await pub.bind("tcp://127.0.0.1:0");
  const topic = (c: number): Buffer => command("SUBSCRIBE", Buffer.alloc(1000, c), true);
  const a = await rawPeer(t, pub.lastEndpoint!, "SUB");
  a.write(topic(0x41));
  await roundTrip(a);
  const b = await rawPeer(t, pub.lastEndpoint!, "SUB");
  const dropped = nextEvent(pub, "disconnect");
  b.write(topic(0x42));
  assert.match(ourError(await dropped)!.message, /over maxSubscriptionBytes \(2000\)/);
  const gone = nextEvent(pub, "disconnect");
  a.destroy();
  await gone;
  const c = await rawPeer(t, pub.lastEndpoint!, "SUB");
  c.write(topic(0x43));
  await roundTrip(c);
  assert.equal(c.isClosed, false);
});

test("XPUB manual mode: the bound applies to what peers ask for", async (t) => {
  const [xpub] = track(t, new XPublisher({ manual: true, maxSubscriptionBytesPerPeer: 400 }));
  await xpub.bind("tcp://127.0.0.1:0");
  const sub = await rawPeer(t, xpub.lastEndpoint!, "SUB");
  const dropped = nextEvent(xpub, "disconnect");
  sub.write(command("SUBSCRIBE", Buffer.alloc(200, 0x61), true), command("SUBSCRIBE", Buffer.alloc(200, 0x62), true));
  assert.equal(ourError(await dropped)?.code, "ENOBUFS");
});

test("an Identity over 255 octets is refused at the handshake; 255 is fine", async (t) => {
  const [router] = track(t, new Router());
  await router.bind("tcp://127.0.0.1:0");
  const refused = nextEvent(router, "handshake:error:protocol");
  const big = await RawPeer.connect(router.lastEndpoint!);
  t.after(() => big.destroy());
  big.write(greetingBytes(), ready([["Socket-Type", "DEALER"], ["Identity", Buffer.alloc(256, 1)]]));
  assert.match(ourError(await refused)!.message, /Identity of 256 octets/);
  await big.waitClosed();
  const served = nextEvent(router, "handshake");
  await rawPeer(t, router.lastEndpoint!, "DEALER", [["Identity", Buffer.alloc(255, 1)]]);
  await served;
});

test("idleTimeout: a silent peer is closed with ETIMEDOUT; one that sends heartbeats stays", async (t) => {
  const [pull] = track(t, new Pull({ idleTimeout: 150 }));
  await pull.bind("tcp://127.0.0.1:0");
  const lively = await rawPeer(t, pull.lastEndpoint!, "PUSH");
  const beat = setInterval(() => lively.write(command("PING", pingData(0))), 40);
  t.after(() => clearInterval(beat));
  const dropped = nextEvent(pull, "disconnect");
  const silent = await rawPeer(t, pull.lastEndpoint!, "PUSH");
  const started = Date.now();
  const e = await dropped;
  assert.equal(ourError(e)?.code, "ETIMEDOUT");
  assert.match(ourError(e)!.message, /idleTimeout/);
  await silent.waitClosed();
  const waited = Date.now() - started;
  assert.ok(waited >= 140 && waited < 2000, `closed after ${waited} ms`);
  assert.equal(lively.isClosed, false, "heartbeats are traffic");
});

test("an exception of ours while handling the peer's input is EINTERNAL: not a refusal, the dialer reconnects", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const [sub] = track(t, new Subscriber({ reconnectInterval: 20 }));
  sub.subscribe("x");
  let failures = 1;
  // Sockets are sealed, so the bug is planted on the prototype that has
  // the method, for this socket only, and removed when the test ends.
  type Resubscriber = { resubscribe(this: object, p: unknown): void };
  let owner = Object.getPrototypeOf(sub) as Resubscriber;
  while (!Object.prototype.hasOwnProperty.call(owner, "resubscribe")) owner = Object.getPrototypeOf(owner) as Resubscriber;
  const resubscribe = owner.resubscribe;
  owner.resubscribe = function (this: object, pipe: unknown) {
    if (this === sub && failures-- > 0) throw new RangeError("a bug of ours");
    resubscribe.call(this, pipe);
  };
  t.after(() => (owner.resubscribe = resubscribe));
  const failed = nextEvent(sub, "handshake:error:other");
  sub.connect(listener.endpoint);
  const first = await listener.accept();
  first.write(greetingBytes(), ready([["Socket-Type", "PUB"]]));
  const e = await failed;
  assert.equal(ourError(e)?.code, "EINTERNAL");
  assert.match(ourError(e)!.message, /RangeError: a bug of ours/);
  const second = await listener.accept();
  second.write(greetingBytes(), ready([["Socket-Type", "PUB"]]));
  await second.read(64);
  assert.equal((await second.readCommand()).name, "READY");
  const subscribed = await second.readCommand();
  assert.deepEqual([subscribed.name, subscribed.data.toString()], ["SUBSCRIBE", "x"]);
});

test("the PLAIN password shows neither in util.inspect (any depth) nor in the socket's keys", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const password = "hunter2-Secret";
  const [dealer] = track(t, new Dealer({ plainUsername: "alice", plainPassword: password }));
  dealer.connect(listener.endpoint);
  const peer = await listener.accept();
  await peer.read(64); // a connection, its engine and its mechanism exist now
  assert.equal(dealer.plainPassword, password, "the getter still answers");
  const shown = inspect(dealer, { depth: Infinity, getters: false });
  const hex = Buffer.from(password).toString("hex");
  for (const form of [password, hex, hex.match(/../g)!.join(" "), [...Buffer.from(password)].join(", ")]) {
    assert.ok(!shown.includes(form), `util.inspect shows the password as ${form}`);
  }
  assert.ok(shown.includes("alice"), "the username may show: the check above looks in the right place");
  assert.ok(!Object.keys(dealer).some((k) => String((dealer as unknown as Record<string, unknown>)[k]).includes(password)));
});
