/**
 * The tracer on CURVE traffic between real peers (a libzmq client, a
 * purezmq server): it shows the handshake commands with their clear
 * fields and counts the MESSAGE commands, and nothing it reports holds a
 * key, a secret or the plaintext.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import * as zmq from "zeromq";
import { Reply, curveKeyPair, z85 } from "../../src/index.js";
import { startRelay } from "../../src/cli/trace/relay.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import { fingerprint } from "../../src/cli/trace/curve-detail.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";

test("trace shows CURVE's HELLO, WELCOME, INITIATE, READY and counts MESSAGEs, never a secret", async () => {
  const serverKeys = curveKeyPair();
  const clientKeys = zmq.curveKeyPair();
  const server = new Reply({ curveServer: true, curveSecretKey: serverKeys.secretKey });
  await server.bind("tcp://127.0.0.1:0");
  const events: TraceEvent[] = [];
  const relay = await startRelay({
    listen: "tcp://127.0.0.1:0",
    to: server.lastEndpoint!,
    report: (e) => events.push(e),
    makeTap: (conn, dir, report) => new ZmtpTap(conn, dir, report),
  });
  const client = new zmq.Request({
    curveServerKey: serverKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey, linger: 0,
  });
  try {
    client.connect(`tcp://127.0.0.1:${(relay.address() as net.AddressInfo).port}`);
    for (let i = 0; i < 3; i++) {
      await client.send(`secret-request-${i}`);
      await server.receive();
      await server.send(`secret-reply-${i}`);
      await client.receive();
    }
    const commands = events.filter((e): e is Extract<TraceEvent, { type: "command" }> => e.type === "command");
    const handshake = commands.filter((e) => e.name !== "MESSAGE").map((e) => `${e.dir} ${e.name}`);
    assert.deepEqual(handshake, ["c>s HELLO", "s>c WELCOME", "c>s INITIATE", "s>c READY"]);
    const hello = commands.find((e) => e.name === "HELLO")!.detail;
    assert.equal(hello.version, "1.0");
    assert.equal(hello.padding, "zero");
    assert.match(String(hello.clientShortKey), /^[0-9a-f]{16}$/);
    assert.deepEqual(commands.find((e) => e.name === "WELCOME")!.detail, { sealed: 144 });
    assert.equal(commands.find((e) => e.name === "INITIATE")!.detail.cookie, 96);
    const sent = commands.filter((e) => e.name === "MESSAGE" && e.dir === "c>s");
    // REQ sends each request as two frames (empty delimiter, body): one MESSAGE each.
    assert.deepEqual(sent.map((e) => e.detail.count), [1, 2, 3, 4, 5, 6]);
    const nonces = sent.map((e) => BigInt(String(e.detail.nonce)));
    assert.ok(nonces.every((n, i) => i === 0 || n > nonces[i - 1]!), "the nonces shown grow");
    assert.equal(events.filter((e) => e.type === "message").length, 0, "no frame is shown as a clear message");
    const text = JSON.stringify(events);
    for (const secret of [serverKeys.secretKey, clientKeys.secretKey, "secret-request", "secret-reply"]) {
      assert.ok(!text.includes(secret), `the trace shows ${secret.slice(0, 14)}...`);
    }
    for (const key of [serverKeys.publicKey, clientKeys.publicKey]) {
      assert.ok(!text.includes(fingerprint(z85.decode(key))), "long-term keys never appear on the wire in clear");
    }
  } finally {
    client.close();
    server.close();
    relay.close();
  }
});
