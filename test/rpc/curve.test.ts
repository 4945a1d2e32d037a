/**
 * CURVE on the RPC classes: the `curve` option becomes the socket's CURVE
 * keys and authenticator. An allowed client is served in every protocol and
 * in publish-subscribe; a client the server does not allow, or one that
 * names another server key, never gets an answer; bad settings are refused
 * when the object is made.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { curveKeyPair } from "../../src/index.js";
import { RpcClient, RpcPublisher, RpcSubscriber, type RpcMessage } from "../../src/rpc/index.js";
import { startServer, within } from "./helpers.js";

const serverKeys = curveKeyPair();
const clientKeys = curveKeyPair();

for (const protocol of ["luaovermq", "manley", "zerorpc"] as const) {
  test(`${protocol}: an allowed client is served over CURVE; a fresh key pair is refused with EACCES`, async (t) => {
    const server = await startServer({ protocol, curve: { secretKey: serverKeys.secretKey, allow: [clientKeys.publicKey] } });
    const client = new RpcClient(server.endpoint!, { protocol, timeout: 3000, curve: { serverKey: serverKeys.publicKey, ...clientKeys } });
    const stranger = new RpcClient(server.endpoint!, { protocol, timeout: 10_000, curve: { serverKey: serverKeys.publicKey } });
    t.after(() => (client.close(), stranger.close(), server.close()));
    assert.equal(await client.call("add", 2, 3), 5);
    await within(assert.rejects(stranger.call("add", 1, 1), (err: Error & { code?: string }) => err.code === "EACCES"), 5000, "refused call");
  });
}

test("a client that names another server key gets no answer", async (t) => {
  const server = await startServer({ curve: { secretKey: serverKeys.secretKey } });
  const impostorKey = curveKeyPair().publicKey;
  const client = new RpcClient(server.endpoint!, { timeout: 300, curve: { serverKey: impostorKey } });
  const right = new RpcClient(server.endpoint!, { timeout: 3000, curve: { serverKey: serverKeys.publicKey } });
  t.after(() => (client.close(), right.close(), server.close()));
  await assert.rejects(client.call("add", 1, 1), (err: Error & { code?: string }) => err.code === "ETIMEDOUT" || err.code === "EPROTO");
  // Without an allow list the server takes any client that knows its key, as libzmq does.
  assert.equal(await right.call("add", 20, 22), 42);
});

test("RpcPublisher and RpcSubscriber over CURVE", async (t) => {
  const pub = new RpcPublisher({ curve: { secretKey: serverKeys.secretKey, allow: [clientKeys.publicKey] } });
  const sub = new RpcSubscriber({ curve: { serverKey: serverKeys.publicKey, ...clientKeys } });
  t.after(() => (sub.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  sub.subscribe("price.").connect(pub.endpoint!);
  // A subscription takes a moment to reach the publisher: publish until heard.
  const ticker = setInterval(() => void pub.publish("price.eur", { bid: 1.5 }), 20);
  t.after(() => clearInterval(ticker));
  const first = await within((async (): Promise<RpcMessage | undefined> => {
    for await (const m of sub) return m;
    return undefined;
  })(), 5000, "a message over CURVE");
  assert.deepEqual([first?.topic, first?.value], ["price.eur", { bid: 1.5 }]);
});

test("CURVE settings are checked when the object is made", () => {
  const both = { plain: { username: "u", password: "p" }, curve: { serverKey: serverKeys.publicKey } };
  assert.throws(() => new RpcClient("tcp://127.0.0.1:1", both), /plain and curve are exclusive/);
  assert.throws(() => new RpcClient("tcp://127.0.0.1:1", { curve: {} }), /needs the server's public key/);
  assert.throws(() => new RpcClient("tcp://127.0.0.1:1", { curve: { serverKey: serverKeys.publicKey, publicKey: clientKeys.publicKey } }), /both publicKey and secretKey/);
  assert.throws(() => new RpcPublisher({ curve: { allow: [] } }), /needs its secret key/);
  assert.throws(() => new RpcClient("tcp://127.0.0.1:1", { curve: { serverKey: "not a key" } }), (err: Error & { code?: string }) => err.code === "EINVAL");
});
