/**
 * ZeroMQ over WebSocket against jszmq (a pure JavaScript ZWS 2.0 peer), in
 * both directions: jszmq dialing purezmq listeners and purezmq dialing
 * jszmq listeners, with DEALER/ROUTER (routing ids both ways), REQ/REP and
 * PUB/SUB (jszmq sends subscriptions as messages, as RFC 45 has them).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jszmq from "jszmq";
import { Dealer, Publisher, Request, Router, Subscriber } from "../../src/index.js";
import { bindResolved, publishUntil, texts, track, withDeadline } from "../zmtp/sockets/helpers.js";

type JsSocket = ReturnType<typeof jszmq.socket>;

/** A jszmq socket closed when the test ends. */
function js<T extends JsSocket>(t: TestContext, socket: T): T {
  t.after(() => socket.close());
  return socket;
}

/** The next message a jszmq socket emits, as strings. */
function jsMessage(socket: JsSocket, what: string): Promise<string[]> {
  return withDeadline(new Promise((resolve) => socket.once("message", (...frames: Buffer[]) => resolve(frames.map(String)))), 5000, what);
}

/** An HTTP server on a free port for a jszmq listener; its ws:// address with `path`. */
async function httpServer(t: TestContext, path: string): Promise<{ server: Server; address: string }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => server.close());
  return { server, address: `ws://127.0.0.1:${(server.address() as AddressInfo).port}${path}` };
}

test("a jszmq DEALER dials a purezmq ROUTER: the router sees its routing id and answers it", async (t) => {
  const [router] = track(t, new Router());
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0/zmq");
  const dealer = js(t, new jszmq.Dealer());
  dealer.options.routingId = "js-dealer";
  dealer.connect(endpoint);
  dealer.send(["hello", "from jszmq"]);
  const [id, ...body] = await withDeadline(router.receive(), 5000, "the jszmq dealer's message");
  assert.equal(id!.toString(), "js-dealer");
  assert.deepEqual(texts(body), ["hello", "from jszmq"]);
  const reply = jsMessage(dealer, "the router's answer");
  await router.send([id!, "hello", "jszmq"]);
  assert.deepEqual(await reply, ["hello", "jszmq"]);
});

test("a purezmq DEALER dials a jszmq ROUTER: jszmq sees its routing id and answers it", async (t) => {
  const { server, address } = await httpServer(t, "/router");
  const router = js(t, new jszmq.Router());
  router.bind(address, server);
  const [dealer] = track(t, new Dealer({ routingId: "pure-dealer" }));
  dealer.connect(address);
  const request = new Promise<Buffer[]>((resolve) => router.once("message", (...frames: Buffer[]) => resolve(frames)));
  await dealer.send(["ping", "two parts"]);
  const [id, ...body] = await withDeadline(request, 5000, "the purezmq dealer's message");
  // jszmq's ROUTER keys every peer by the routing id it was sent behind a zero octet.
  assert.equal(id!.toString("latin1"), "\0pure-dealer");
  assert.deepEqual(texts(body), ["ping", "two parts"]);
  router.send([id!, "pong"]);
  assert.deepEqual(texts(await withDeadline(dealer.receive(), 5000, "the jszmq router's answer")), ["pong"]);
});

test("a purezmq REQ asks a jszmq REP and gets its reply", async (t) => {
  const { server, address } = await httpServer(t, "/");
  const rep = js(t, new jszmq.Rep());
  rep.on("message", (...frames: Buffer[]) => rep.send(["re: " + frames.map(String).join(",")]));
  rep.bind(address, server);
  const [req] = track(t, new Request());
  req.connect(address);
  await req.send(["a", "b"]);
  assert.deepEqual(texts(await withDeadline(req.receive(), 5000, "the reply")), ["re: a,b"]);
});

test("a jszmq SUB subscribes to a purezmq PUB and gets only its topic", async (t) => {
  const [pub] = track(t, new Publisher());
  const endpoint = await bindResolved(pub, "ws://127.0.0.1:0");
  const sub = js(t, new jszmq.Sub());
  sub.subscribe("news");
  sub.connect(endpoint);
  const [topic, item] = await publishUntil(jsMessage(sub, "a published message"), async () => {
    await pub.send(["sport", "ignored"]);
    await pub.send(["news", "flash"]);
  });
  assert.equal(topic, "news");
  assert.equal(item, "flash");
});

test("a purezmq SUB subscribes to a jszmq PUB and gets only its topic", async (t) => {
  const { server, address } = await httpServer(t, "/pub");
  const pub = js(t, new jszmq.Pub());
  pub.bind(address, server);
  const [sub] = track(t, new Subscriber());
  sub.subscribe("news");
  sub.connect(address);
  const [topic, item] = texts(await publishUntil(withDeadline(sub.receive(), 5000, "a published message"), () => {
    pub.send(["sport", "ignored"]);
    pub.send(["news", "flash"]);
  }));
  assert.equal(topic, "news");
  assert.equal(item, "flash");
});
