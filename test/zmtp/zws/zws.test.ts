/**
 * ZeroMQ over WebSocket (RFC 45, bare ZWS2.0) between purezmq sockets:
 * REQ/REP, DEALER/ROUTER with routing ids, PUB/SUB with subscriptions
 * sent as messages, large multipart messages, reconnection after the
 * listener goes away, and what ws:// refuses (a security mechanism, a
 * wss:// bind). jszmq and hostile peers: test/interop, test/hostile.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Publisher, Reply, Request, Router, Subscriber } from "../../../src/index.js";
import { formatWs, parseEndpoint } from "../../../src/zmtp/transport/endpoint.js";
import { bindResolved, checkReconnection, publishUntil, texts, track, withDeadline } from "../sockets/helpers.js";

test("REQ/REP over ws:// with a path: the request and the reply, multipart", async (t) => {
  const [rep, req] = track(t, new Reply(), new Request());
  const endpoint = await bindResolved(rep, "ws://127.0.0.1:0/zeromq");
  assert.match(endpoint, /^ws:\/\/127\.0\.0\.1:\d+\/zeromq$/);
  req.connect(endpoint);
  await req.send(["hello", "over", "websocket"]);
  assert.deepEqual(texts(await withDeadline(rep.receive(), 5000, "the request")), ["hello", "over", "websocket"]);
  await rep.send("world");
  assert.deepEqual(texts(await withDeadline(req.receive(), 5000, "the reply")), ["world"]);
});

test("DEALER to ROUTER over ws://: the router sees the dealer's routing id and routes back to it", async (t) => {
  const [router, a, b] = track(t, new Router(), new Dealer({ routingId: "alpha" }), new Dealer({ routingId: "beta" }));
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0");
  a.connect(endpoint);
  b.connect(endpoint);
  await a.send("from a");
  await b.send("from b");
  const seen = new Map<string, string>();
  for (let i = 0; i < 2; i++) {
    const [id, body] = await withDeadline(router.receive(), 5000, "a dealer's message");
    seen.set(id!.toString(), body!.toString());
  }
  assert.deepEqual(Object.fromEntries(seen), { alpha: "from a", beta: "from b" });
  await router.send(["beta", "to b"]);
  await router.send(["alpha", "to a"]);
  assert.deepEqual(texts(await withDeadline(b.receive(), 5000, "b's reply")), ["to b"]);
  assert.deepEqual(texts(await withDeadline(a.receive(), 5000, "a's reply")), ["to a"]);
});

test("a 1 MiB frame in a multipart message crosses ws:// whole", async (t) => {
  const [pull, push] = track(t, new Router(), new Dealer());
  const endpoint = await bindResolved(pull, "ws://127.0.0.1:0");
  push.connect(endpoint);
  const big = Buffer.alloc(1 << 20, 7);
  await push.send(["head", big, ""]);
  const [, head, body, tail] = await withDeadline(pull.receive(), 5000, "the large message");
  assert.equal(head!.toString(), "head");
  assert.ok(body!.equals(big));
  assert.equal(tail!.length, 0);
});

test("PUB/SUB over ws://: only the subscribed topic arrives", async (t) => {
  const [pub, sub] = track(t, new Publisher(), new Subscriber());
  const endpoint = await bindResolved(pub, "ws://127.0.0.1:0/feed");
  sub.subscribe("news");
  sub.connect(endpoint);
  const [topic, item] = texts(await publishUntil(sub.receive(), async (i) => {
    await pub.send(["sport", "ignored"]);
    await pub.send(["news", `item ${i}`]);
  }));
  assert.equal(topic, "news");
  assert.match(item!, /^item \d+$/);
});

test("after the ws:// listener goes away, the dialer reconnects to the new one", async (t) => {
  const [dealer] = track(t, new Dealer({ reconnectInterval: 20 }));
  await checkReconnection(t, dealer, "ws://127.0.0.1:0");
});

test("ws:// refuses a security mechanism (no subprotocol can name it) and wss:// refuses bind", async (t) => {
  const [plain, curveless, bound] = track(t, new Dealer({ plainUsername: "u", plainPassword: "p" }), new Router({ plainServer: true }), new Router());
  assert.throws(() => plain.connect("ws://127.0.0.1:9/"), (err: NodeJS.ErrnoException) => err.code === "ENOTSUP" && /use tcp:\/\/ for PLAIN/.test(err.message));
  await assert.rejects(curveless.bind("ws://127.0.0.1:0"), (err: NodeJS.ErrnoException) => err.code === "ENOTSUP");
  await assert.rejects(bound.bind("wss://127.0.0.1:0"), (err: NodeJS.ErrnoException) => err.code === "EPROTONOSUPPORT" && /TLS/.test(err.message));
  assert.throws(() => bound.connect("ws://*:80/"), (err: NodeJS.ErrnoException) => err.code === "EINVAL");
});

test("ws:// and wss:// endpoints: the path, the scheme's port when none is given, IPv6 brackets", () => {
  assert.deepEqual(parseEndpoint("wss://example.com/zmq", false), { transport: "ws", secure: true, host: "example.com", port: 443, path: "/zmq" });
  assert.deepEqual(parseEndpoint("ws://example.com", false), { transport: "ws", secure: false, host: "example.com", port: 80, path: "/" });
  assert.deepEqual(parseEndpoint("ws://[::1]:8080/a/b?x=1", false), { transport: "ws", secure: false, host: "::1", port: 8080, path: "/a/b?x=1" });
  assert.deepEqual(parseEndpoint("ws://*:0/feed", true), { transport: "ws", secure: false, host: "0.0.0.0", port: 0, path: "/feed" });
  assert.equal(formatWs({ secure: true, host: "::1", port: 443, path: "/zmq" }), "wss://[::1]:443/zmq");
  assert.throws(() => parseEndpoint("ws://example.com/", true), (err: NodeJS.ErrnoException) => err.code === "EINVAL");
});
