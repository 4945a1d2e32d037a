/**
 * CURVE between purezmq sockets as the README shows it (Reply and Request,
 * keys from curveKeyPair, curveAuthenticator), and curveAuthenticator's
 * answers: the user id is the client's key, other keys and other
 * mechanisms are refused, a listed key that is not a key is EINVAL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Reply, Request, ZmqError, curveAuthenticator, curveKeyPair, z85, type ZapRequest } from "../../../src/index.js";
import { toVerdict } from "../../../src/zmtp/security/zap.js";
import { withDeadline } from "../../support/deadline.js";

test("the README's CURVE example: an allowed client gets its reply", async () => {
  const serverKeys = curveKeyPair();
  const clientKeys = curveKeyPair();
  const server = new Reply({ curveServer: true, curveSecretKey: serverKeys.secretKey });
  server.authenticator = curveAuthenticator({ allow: [clientKeys.publicKey] });
  await server.bind("tcp://127.0.0.1:0");
  const client = new Request({ curveServerKey: serverKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey });
  try {
    client.connect(server.lastEndpoint!);
    await client.send("hello");
    assert.equal(String(await withDeadline(server.receive(), 5000, "the request")), "hello");
    await server.send("world");
    assert.equal(String(await withDeadline(client.receive(), 5000, "the reply")), "world");
    assert.equal(server.securityMechanism, "curve");
  } finally {
    client.close();
    server.close();
  }
});

const request = (mechanism: "CURVE" | "PLAIN", key?: string): ZapRequest => ({
  domain: "", address: "127.0.0.1", identity: Buffer.alloc(0), mechanism, username: "", password: "",
  ...(key ? { curvePublicKey: key, credentials: [z85.decode(key)] } : { credentials: [] }),
});

test("curveAuthenticator: listed keys (Z85 or octets) in with their key as user id; others and PLAIN out", async () => {
  const a = curveKeyPair().publicKey;
  const b = curveKeyPair().publicKey;
  const byList = curveAuthenticator({ allow: [a, z85.decode(b)] });
  assert.deepEqual(await byList(request("CURVE", a)), { status: 200, statusText: "OK", userId: a });
  assert.equal((await byList(request("CURVE", b)) as { status: number }).status, 200);
  assert.equal((await byList(request("CURVE", curveKeyPair().publicKey)) as { status: number }).status, 400);
  assert.equal((await byList(request("PLAIN")) as { status: number }).status, 400);
  const byFunction = curveAuthenticator({ allow: async (key) => key === b });
  assert.equal((await byFunction(request("CURVE", a)) as { status: number }).status, 400);
  assert.equal((await byFunction(request("CURVE", b)) as { userId: string }).userId, b);
  assert.throws(() => curveAuthenticator({ allow: ["not a key"] }), (e: unknown) => e instanceof ZmqError && e.code === "EINVAL" && /allow\[0\]/.test(e.message));
});

test("an authenticator answering true gives a CURVE client its public key as user id", () => {
  const key = curveKeyPair().publicKey;
  assert.deepEqual(toVerdict(true, request("CURVE", key)), { status: 200, userId: key });
  assert.equal(toVerdict({ status: 200 }, request("CURVE", key)).userId, key);
  assert.equal(toVerdict({ status: 200, userId: "named" }, request("CURVE", key)).userId, "named");
});
