/**
 * The `connect` option: tcp:// dialed through a function shaped like
 * `connect()` of `cloudflare:sockets` (web streams over node:net here),
 * against purezmq listeners: traffic both ways, reconnection, a dial that
 * throws, an `opened` that rejects or never settles, a `closed` that
 * rejects, close, and the option's checks. With libzmq: test/interop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router, Subscriber, Publisher, type StreamConnect } from "../../../src/index.js";
import { webStreamConnect } from "../../support/web-stream-connect.js";
import { bindAddress, bindResolved, checkReconnection, nextEvent, publishUntil, texts, track, withDeadline } from "../sockets/helpers.js";

/** The port of a resolved tcp:// endpoint. */
function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

test("a Dealer dialing through `connect` talks to a Router both ways, a 1 MiB message included", async (t) => {
  const dial = webStreamConnect();
  const [router, dealer] = track(t, new Router(), new Dealer({ connect: dial.connect, routingId: "d1" }));
  const endpoint = await bindResolved(router, "tcp://127.0.0.1:0");
  dealer.connect(endpoint);
  const big = Buffer.alloc(1024 * 1024, 7);
  await dealer.send(["hello", big]);
  const [id, hello, body] = await withDeadline(router.receive(), 5000, "the message at the router");
  assert.equal(id!.toString(), "d1");
  assert.equal(hello!.toString(), "hello");
  assert.ok(body!.equals(big));
  await router.send([id!, "back"]);
  assert.deepEqual(texts(await withDeadline(dealer.receive(), 5000, "the reply")), ["back"]);
  assert.deepEqual(dial.calls, [{ hostname: "127.0.0.1", port: portOf(endpoint) }]);
  assert.ok(dial.written > big.length, `the writable carried ${dial.written} octets`);
});

test("a Subscriber dialing through `connect` sends its subscription and receives what is published", async (t) => {
  const dial = webStreamConnect();
  const [pub, sub] = track(t, new Publisher(), new Subscriber({ connect: dial.connect }));
  sub.subscribe("news");
  const endpoint = await bindResolved(pub, "tcp://127.0.0.1:0");
  const joined = nextEvent(pub, "handshake");
  sub.connect(endpoint);
  await joined;
  // The subscription travels after the handshake: publish until it is seen.
  const message = await publishUntil(sub.receive(), async (i) => {
    await pub.send(["sport", "ignored"]);
    await pub.send(["news", `item ${i}`]);
  });
  const [topic, item] = texts(message);
  assert.equal(topic, "news");
  assert.match(item!, /^item \d+$/);
});

test("after the peer goes away, the socket calls `connect` again and reconnects", async (t) => {
  const dial = webStreamConnect();
  const [dealer] = track(t, new Dealer({ connect: dial.connect, reconnectInterval: 20 }));
  await checkReconnection(t, dealer, "tcp://127.0.0.1:0");
  assert.ok(dial.calls.length >= 2, `connect called ${dial.calls.length} times`);
  assert.ok(dial.sockets[0]!.destroyed);
});

test("a `connect` that throws is retried after reconnectInterval, as a refused dial", async (t) => {
  const dial = webStreamConnect();
  let throws = 2;
  const flaky: StreamConnect = (address) => {
    if (throws-- > 0) throw new Error("no route today");
    return dial.connect(address);
  };
  const [rep, req] = track(t, new Reply(), new Request({ connect: flaky, reconnectInterval: 10 }));
  const endpoint = await bindResolved(rep, "tcp://127.0.0.1:0");
  const closes: string[] = [];
  req.events.on("close", (e) => closes.push(e.address));
  const retried = nextEvent(req, "connect:retry");
  req.connect(endpoint);
  assert.equal((await retried).address, endpoint);
  await req.send("ping");
  assert.deepEqual(texts(await withDeadline(rep.receive(), 5000, "the request")), ["ping"]);
  assert.equal(throws, -1);
  assert.deepEqual(closes, [endpoint, endpoint]);
  assert.equal(dial.calls.length, 1);
});

test("an `opened` that rejects is a failed dial; one that never settles is abandoned at connectTimeout", async (t) => {
  const dial = webStreamConnect((s, call) => {
    if (call === 1) return { ...s, opened: Promise.reject(new Error("refused by the host")) };
    if (call === 2) return { ...s, opened: new Promise(() => {}) };
    return s;
  });
  const [rep, req] = track(t, new Reply(), new Request({ connect: dial.connect, reconnectInterval: 10, connectTimeout: 50 }));
  const endpoint = await bindResolved(rep, "tcp://127.0.0.1:0");
  req.connect(endpoint);
  await req.send("third time");
  assert.deepEqual(texts(await withDeadline(rep.receive(), 5000, "the request")), ["third time"]);
  assert.equal(dial.calls.length, 3);
  // The two abandoned attempts' sockets were closed.
  assert.ok(dial.sockets[0]!.destroyed && dial.sockets[1]!.destroyed);
});

test("a `closed` that rejects ends the connection with a disconnect, and the socket reconnects", async (t) => {
  let fail: ((err: Error) => void) | undefined;
  const dial = webStreamConnect((s, call) => {
    if (call !== 1) return s;
    return { ...s, closed: new Promise((_, reject) => (fail = reject)) };
  });
  const [router, dealer] = track(t, new Router(), new Dealer({ connect: dial.connect, reconnectInterval: 10 }));
  const endpoint = await bindResolved(router, "tcp://127.0.0.1:0");
  const up = nextEvent(dealer, "handshake");
  dealer.connect(endpoint);
  await up;
  const down = nextEvent(dealer, "disconnect");
  const again = nextEvent(dealer, "handshake");
  fail!(new Error("the carrier went away"));
  await down;
  await again;
  assert.equal(dial.calls.length, 2);
  assert.ok(dial.sockets[0]!.destroyed);
  await dealer.send("still here");
  const [, msg] = await withDeadline(router.receive(), 5000, "the message after reconnection");
  assert.equal(msg!.toString(), "still here");
});

test("streams that break their contract (no readable, a chunk that is not octets) end that attempt; the socket carries on", async (t) => {
  const dial = webStreamConnect((s, call) => {
    if (call === 1) return { ...s, readable: undefined as unknown as ReadableStream<Uint8Array> };
    if (call === 2) {
      const text = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue("not octets" as unknown as Uint8Array),
      });
      return { ...s, readable: text };
    }
    return s;
  });
  const [rep, req] = track(t, new Reply(), new Request({ connect: dial.connect, reconnectInterval: 10 }));
  const endpoint = await bindResolved(rep, "tcp://127.0.0.1:0");
  req.connect(endpoint);
  await req.send("fourth time lucky");
  assert.deepEqual(texts(await withDeadline(rep.receive(), 5000, "the request")), ["fourth time lucky"]);
  assert.ok(dial.calls.length >= 3, `connect called ${dial.calls.length} times`);
  assert.ok(dial.sockets[0]!.destroyed && dial.sockets[1]!.destroyed);
});

test("close() ends the stream's connection; the peer sees the disconnect", async (t) => {
  const dial = webStreamConnect();
  const [router] = track(t, new Router());
  const dealer = new Dealer({ connect: dial.connect, linger: 0 });
  const endpoint = await bindResolved(router, "tcp://127.0.0.1:0");
  const up = nextEvent(router, "handshake");
  dealer.connect(endpoint);
  await up;
  const gone = nextEvent(router, "disconnect");
  dealer.close();
  await gone;
  assert.ok(dial.sockets[0]!.destroyed);
});

test("the option: a function or nothing, read by the constructor; connect() stays the method; ipc:// and bind() keep node:net", async (t) => {
  assert.throws(() => new Dealer({ connect: "tcp://127.0.0.1:5555" as unknown as StreamConnect }), TypeError);
  const dial = webStreamConnect();
  const [rep, req] = track(t, new Reply({ connect: dial.connect }), new Request({ connect: dial.connect }));
  assert.equal(typeof req.connect, "function");
  assert.ok(!Object.keys(req).includes("connect"));
  const endpoint = await bindResolved(rep, bindAddress("ipc"));
  req.connect(endpoint);
  await req.send("over ipc");
  assert.deepEqual(texts(await withDeadline(rep.receive(), 5000, "the request over ipc")), ["over ipc"]);
  assert.equal(dial.calls.length, 0);
});
