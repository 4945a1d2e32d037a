/**
 * Fatal handshake failures other than credentials (mechanism mismatch,
 * incompatible socket type) stop the dialer and fail pending calls at once
 * with EPROTO and the reason, instead of leaving them to their timeout;
 * a socket with another live peer keeps waiting.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dealer, Publisher, Router, ZmqError } from "../../src/index.js";
import { RpcClient } from "../../src/rpc/index.js";
import { startServer, within } from "../rpc/helpers.js";
import { nextEvent, track, watch } from "../zmtp/sockets/helpers.js";

const isEproto = (pattern: RegExp) => (err: unknown): boolean =>
  err instanceof ZmqError && err.code === "EPROTO" && pattern.test(err.message);

test("an RpcClient with PLAIN credentials against a NULL RpcServer fails at once with EPROTO, not a timeout", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 20_000, plain: { username: "admin", password: "secret" } });
  t.after(() => (client.close(), server.close()));
  const started = Date.now();
  await within(
    assert.rejects(client.call("add", 1, 2), isEproto(/^tcp:\/\/127\.0\.0\.1:\d+ uses the NULL mechanism, this socket uses PLAIN/)),
    5000,
    "the refused call",
  );
  assert.ok(Date.now() - started < 5000);
  assert.equal(client.pending, 0);
  // The next call dials afresh and is refused again, not left hanging.
  await within(assert.rejects(client.call("add", 1, 1), isEproto(/NULL mechanism/)), 5000, "the second refusal");
});

test("a pending receive and send reject with EPROTO when the only peer has an incompatible socket type", async (t) => {
  const [pub, dealer] = track(t, new Publisher(), new Dealer({ sendHighWaterMark: 1 }));
  await pub.bind("tcp://127.0.0.1:0");
  const receiving = dealer.receive();
  const refused = nextEvent(dealer, "handshake:error:protocol");
  dealer.connect(pub.lastEndpoint!);
  await refused;
  await within(assert.rejects(receiving, isEproto(/cannot talk to a PUB peer/)), 2000, "the pending receive");
  // While no peer is left, calls that would wait fail at once too.
  await within(assert.rejects(dealer.receive(), isEproto(/PUB/)), 2000, "a new receive");
  await within(assert.rejects(dealer.send("x"), isEproto(/PUB/)), 2000, "a send with no pipe");
});

test("a refused endpoint does not fail calls while another peer is live", async (t) => {
  const [router, pub, dealer] = track(t, new Router(), new Publisher(), new Dealer());
  await router.bind("tcp://127.0.0.1:0");
  await pub.bind("tcp://127.0.0.1:0");
  const up = nextEvent(dealer, "handshake");
  dealer.connect(router.lastEndpoint!);
  await up;
  const receiving = watch(dealer.receive());
  const refused = nextEvent(dealer, "handshake:error:protocol");
  dealer.connect(pub.lastEndpoint!);
  await refused;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(receiving.settled, false, "the live ROUTER peer may still answer");
  await dealer.send("hello");
  const [id, body] = await router.receive();
  assert.equal(body!.toString(), "hello");
  await router.send([id!, "answer"]);
  assert.deepEqual((await receiving.promise).map(String), ["answer"]);
});

test("connect() after a refusal clears it: calls wait for the new peer", async (t) => {
  const [pub, router, dealer] = track(t, new Publisher(), new Router(), new Dealer({ receiveTimeout: 3000 }));
  await pub.bind("tcp://127.0.0.1:0");
  await router.bind("tcp://127.0.0.1:0");
  const refused = nextEvent(dealer, "handshake:error:protocol");
  dealer.connect(pub.lastEndpoint!);
  await refused;
  await assert.rejects(dealer.receive(), isEproto(/PUB/));
  dealer.connect(router.lastEndpoint!);
  await dealer.send("again");
  const [id] = await router.receive();
  await router.send([id!, "ok"]);
  assert.deepEqual((await dealer.receive()).map(String), ["ok"]);
});
