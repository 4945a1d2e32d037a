/**
 * Publish-subscribe at the octet level with scripted peers: the
 * subscription form by peer version (message form for ZMTP 3.0, SUBSCRIBE /
 * CANCEL commands for 3.1), counting and re-sending on the wire, and a
 * stalled subscriber that never reads, against the HWM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Publisher, Subscriber, XPublisher } from "../../../src/index.js";
import { RawListener, RawPeer, command, frame, greetingBytes, message, nextEvent, ready, within } from "../raw/raw-peer.js";
import { next, untilSubscribed } from "./helpers.js";

const sub = (topic: string): Buffer => Buffer.concat([Buffer.from([1]), Buffer.from(topic, "latin1")]);

for (const minor of [0, 1]) {
  test(`a raw ZMTP 3.${minor} SUB subscribing with the message form gets only matching messages`, async (t) => {
    const xpub = new XPublisher();
    t.after(() => xpub.close());
    await xpub.bind("tcp://127.0.0.1:0");
    const peer = await RawPeer.connect(xpub.lastEndpoint!);
    t.after(() => peer.destroy());
    await within(peer.handshake("SUB", [], { minor }), 3000, "handshake");
    peer.write(frame(sub("ab")), frame(sub("")), frame(Buffer.from([0])));
    // The subscriptions reached the publisher when it reports them.
    assert.deepEqual((await within(xpub.receive(), 3000, "sub ab"))[0], sub("ab"));
    assert.deepEqual((await within(xpub.receive(), 3000, "sub all"))[0], sub(""));
    assert.deepEqual((await within(xpub.receive(), 3000, "cancel all"))[0], Buffer.from([0]));
    await xpub.send(["a", "no"]);
    await xpub.send(["abz", "yes"]);
    await xpub.send("nope");
    await xpub.send("ab");
    assert.deepEqual(await within(peer.readMessage(), 3000, "abz"), [Buffer.from("abz"), Buffer.from("yes")]);
    assert.deepEqual(await within(peer.readMessage(), 3000, "ab"), [Buffer.from("ab")]);
  });
}

test("PUB (not X) and a raw ZMTP 3.0 SUB: message-form subscription, only matching messages", async (t) => {
  const pub = new Publisher();
  t.after(() => pub.close());
  await pub.bind("tcp://127.0.0.1:0");
  const peer = await RawPeer.connect(pub.lastEndpoint!);
  t.after(() => peer.destroy());
  await within(peer.handshake("SUB", [], { minor: 0 }), 3000, "handshake");
  peer.write(frame(sub("ab")));
  // A PUB says nothing when a subscription lands: publish probes until one shows on the wire.
  const deadline = Date.now() + 5000;
  while (peer.pending === 0) {
    assert.ok(Date.now() < deadline, "the subscription never took effect");
    await pub.send("ab-probe");
    await new Promise((resolve) => setImmediate(resolve));
  }
  await pub.send("a");
  await pub.send(["abc", "yes"]);
  await pub.send("b");
  await pub.send("ab");
  const got: string[] = [];
  while (got.length < 2) {
    const m = (await within(peer.readMessage(), 3000, "a message")).map(String);
    if (m[0] !== "ab-probe") got.push(m.join("|"));
  }
  assert.deepEqual(got, ["abc|yes", "ab"]);
});

test("a 3.1 raw SUB may subscribe with SUBSCRIBE/CANCEL commands; a repeated subscribe is one, one cancel ends it", async (t) => {
  const xpub = new XPublisher({ verbosity: "allSubsUnsubs" });
  t.after(() => xpub.close());
  await xpub.bind("tcp://127.0.0.1:0");
  const peer = await RawPeer.connect(xpub.lastEndpoint!);
  t.after(() => peer.destroy());
  await within(peer.handshake("SUB"), 3000, "handshake");
  peer.write(command("SUBSCRIBE", Buffer.from("t")), command("SUBSCRIBE", Buffer.from("t")), command("SUBSCRIBE", Buffer.from("m")));
  for (const expected of ["t", "t", "m"]) assert.deepEqual((await within(xpub.receive(), 3000, "sub"))[0], sub(expected));
  peer.write(command("CANCEL", Buffer.from("t")));
  assert.deepEqual((await within(xpub.receive(), 3000, "cancel"))[0], Buffer.from("\x00t", "latin1"));
  await xpub.send("t1");
  await xpub.send("m1");
  assert.deepEqual(await within(peer.readMessage(), 3000, "m1"), [Buffer.from("m1")], "t was cancelled by one CANCEL");
});

for (const minor of [0, 1]) {
  test(`our SUB speaks to a raw 3.${minor} publisher in its form, counts, and re-sends after a reconnect`, async (t) => {
    const listener = await RawListener.listen();
    t.after(() => listener.close());
    const s = new Subscriber({ reconnectInterval: 20 });
    t.after(() => s.close());
    s.subscribe("a");
    s.connect(listener.endpoint);

    const expectSub = async (peer: RawPeer, subscribe: boolean, topic: string): Promise<void> => {
      const f = await within(peer.readFrame(), 3000, `${subscribe ? "subscribe" : "cancel"} ${topic}`);
      if (minor === 0) {
        assert.equal(f.flags, 0, "a 3.0 peer gets a message frame");
        assert.deepEqual(f.body, Buffer.concat([Buffer.from([subscribe ? 1 : 0]), Buffer.from(topic, "latin1")]));
      } else {
        assert.equal(f.flags & 0x04, 0x04, "a 3.1 peer gets a command");
        const name = subscribe ? "SUBSCRIBE" : "CANCEL";
        assert.deepEqual(f.body, Buffer.concat([Buffer.from([name.length]), Buffer.from(name), Buffer.from(topic, "latin1")]));
      }
    };
    const handshake = async (peer: RawPeer): Promise<void> => {
      peer.write(greetingBytes({ minor }), ready([["Socket-Type", "PUB"]]));
      await peer.read(64);
      assert.equal((await peer.readCommand()).name, "READY");
    };

    let peer = await within(listener.accept(), 3000, "connection");
    await handshake(peer);
    await expectSub(peer, true, "a");
    s.subscribe("a");
    await expectSub(peer, true, "a");
    s.unsubscribe("a"); // count 2 -> 1: nothing on the wire
    s.subscribe("z");
    await expectSub(peer, true, "z");
    s.unsubscribe("a");
    await expectSub(peer, false, "a");
    peer.write(message(["zed", "1"]), message(["other"]), message(["z"]));
    assert.deepEqual((await within(s.receive(), 3000, "zed")).map(String), ["zed", "1"]);
    assert.deepEqual((await within(s.receive(), 3000, "z")).map(String), ["z"], "unsubscribed messages are filtered out at the SUB too");

    // The publisher goes away; the SUB reconnects and sends its set again.
    s.subscribe("b");
    await expectSub(peer, true, "b");
    const back = nextEvent(s, "handshake");
    peer.destroy();
    peer = await within(listener.accept(), 5000, "reconnection");
    await handshake(peer);
    await within(back, 3000, "handshake event");
    const topics: string[] = [];
    for (let i = 0; i < 2; i++) {
      const f = await within(peer.readFrame(), 3000, "re-sent subscription");
      topics.push(minor === 0 ? f.body.subarray(1).toString() : f.body.subarray(10).toString());
    }
    assert.deepEqual(topics.sort(), ["b", "z"]);
  });
}

test("a stalled subscriber costs at most its HWM of queued messages; the others get everything", async (t) => {
  const HWM = 50;
  const SIZE = 64 * 1024;
  const ROUNDS = 20;
  const BATCH = 20;
  const pub = new Publisher({ sendHighWaterMark: HWM });
  t.after(() => pub.close());
  await pub.bind("tcp://127.0.0.1:0");
  const stalled = await RawPeer.connect(pub.lastEndpoint!);
  t.after(() => stalled.destroy());
  await within(stalled.handshake("SUB"), 3000, "handshake");
  stalled.write(command("SUBSCRIBE"));
  const good = new Subscriber({ receiveHighWaterMark: 0 });
  t.after(() => good.close());
  good.subscribe();
  good.connect(pub.lastEndpoint!);
  await untilSubscribed(pub, good, "");
  // Make sure the stalled peer's subscription is in: it gets the probes too.
  await within(stalled.readMessage(), 3000, "a probe at the stalled peer");
  stalled.sock.pause(); // from now on it never reads

  const payload = Buffer.alloc(SIZE, 0x5a);
  let maxQueued = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < BATCH; i++) {
      await pub.send([`m${r * BATCH + i}`, payload]);
      maxQueued = Math.max(maxQueued, ...pub.queuedPerPeer());
    }
    for (let i = 0; i < BATCH; i++) {
      const got = await within(next(good), 5000, `message ${r * BATCH + i}`);
      assert.equal(got[0], `m${r * BATCH + i}`, "the good subscriber gets every message, in order");
    }
    maxQueued = Math.max(maxQueued, ...pub.queuedPerPeer());
  }
  assert.ok(maxQueued <= HWM, `a pipe held ${maxQueued} messages, over the HWM of ${HWM}`);
  assert.equal(maxQueued, HWM, "the stalled pipe filled up to its HWM (so the test did stall it)");
  t.diagnostic(`stalled subscriber: ${maxQueued} messages x ${SIZE} octets = ${(maxQueued * SIZE) / 1024} KiB queued in its pipe, ` +
    `plus at most 256 KiB and one batch in the connection's write buffer, plus the kernel's socket buffers`);
});

test("an XPUB whose application stops reading subscriptions stops reading a peer that floods them", async (t) => {
  const xpub = new XPublisher({ receiveHighWaterMark: 10, verbosity: "allSubs" });
  t.after(() => xpub.close());
  await xpub.bind("tcp://127.0.0.1:0");
  const peer = await RawPeer.connect(xpub.lastEndpoint!);
  t.after(() => peer.destroy());
  await within(peer.handshake("SUB", [], { minor: 1 }), 3000, "handshake");
  const n = 20000;
  const topic = (i: number): string => `t${i}`.padEnd(100, ".");
  peer.write(...Array.from({ length: n }, (_, i) => command("SUBSCRIBE", Buffer.from(topic(i)))));
  // Nothing reads the subscriptions yet: the connection must stop reading
  // (no event says so, hence a bounded poll) instead of queueing the flood.
  type Inside = { pipes: Set<{ inLength: number; driver?: { stream?: { isPaused(): boolean } } }> };
  const pipes = (xpub as unknown as Inside).pipes;
  const paused = (): boolean => [...pipes].some((p) => p.driver?.stream?.isPaused() === true);
  const deadline = Date.now() + 5000;
  while (!paused()) {
    assert.ok(Date.now() < deadline, "the flooding peer was never paused");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (const p of pipes) assert.ok(p.inLength < n / 4, `the pipe held ${p.inLength} subscriptions`);
  // Reading resumes the peer: every subscription arrives, in order.
  for (let i = 0; i < n; i++) {
    const [note] = await within(xpub.receive(), 5000, `subscription ${i}`);
    assert.equal(note!.toString("latin1", 1), topic(i));
  }
});
