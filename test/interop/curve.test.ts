/**
 * CURVE against libzmq 4.3.5 (the `zeromq` package, built with CURVE),
 * both ways and either side binding: REQ/REP, DEALER/ROUTER, PUSH/PULL
 * and PUB/SUB carrying a multipart message with a 0-octet and a 1 MiB
 * frame, then numbered messages that must arrive all and in order. Each
 * side uses keys made by the other library's `curveKeyPair()`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "zeromq";
import * as ours from "../../src/index.js";
import { bindResolved, closeAll, describe, makeSocket, patterned, sameMessage, withDeadline, type Impl, type PeerSocket, type TypeName } from "./peers.js";

const MIB = 1024 * 1024;
const IN_ORDER = 1000;
const ROUND_TRIPS = 100;

/** The library whose keyPair the other side uses. */
const keysFrom = (impl: Impl) => (impl === "purezmq" ? ours.curveKeyPair() : zmq.curveKeyPair());
const other = (impl: Impl): Impl => (impl === "purezmq" ? "libzmq" : "purezmq");

interface Pair {
  server: PeerSocket;
  client: PeerSocket;
}

/** A CURVE server of `serverType` and a client of `clientType`, keys from the other library, one of them bound. */
async function curvePair(
  serverImpl: Impl, serverType: TypeName, clientImpl: Impl, clientType: TypeName, bindSide: "server" | "client",
  serverOptions: Record<string, unknown> = {}, clientOptions: Record<string, unknown> = {},
): Promise<Pair> {
  const serverKeys = keysFrom(other(serverImpl));
  const clientKeys = keysFrom(other(clientImpl));
  const server = makeSocket(serverImpl, serverType, { ...serverOptions, curveServer: true, curveSecretKey: serverKeys.secretKey, curvePublicKey: serverKeys.publicKey });
  const client = makeSocket(clientImpl, clientType, {
    ...clientOptions, curveServerKey: serverKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey,
  });
  const [binder, dialer] = bindSide === "server" ? [server, client] : [client, server];
  dialer.connect(await bindResolved(binder, "tcp://127.0.0.1:0"));
  return { server, client };
}

const BIG = (): Buffer[] => [Buffer.alloc(0), patterned(MIB, 3), Buffer.from("tail")];

async function expect(socket: PeerSocket, expected: Buffer[], what: string): Promise<void> {
  const got = await withDeadline(socket.receive(), 10_000, what);
  assert.ok(sameMessage(got, expected), `${what}: got ${describe(got)}, expected ${describe(expected)}`);
}

const PEERS: Array<[Impl, Impl]> = [["purezmq", "libzmq"], ["libzmq", "purezmq"], ["purezmq", "purezmq"]];

for (const [serverImpl, clientImpl] of PEERS) {
  for (const bindSide of ["server", "client"] as const) {
    const who = `${serverImpl} server, ${clientImpl} client, ${bindSide} binds`;

    test(`CURVE REQ/REP (${who})`, async () => {
      const { server, client } = await curvePair(serverImpl, "REP", clientImpl, "REQ", bindSide);
      try {
        await client.send(BIG());
        await expect(server, BIG(), "the request");
        await server.send(BIG());
        await expect(client, BIG(), "the reply");
        for (let i = 0; i < ROUND_TRIPS; i++) {
          await client.send(`q${i}`);
          await expect(server, [Buffer.from(`q${i}`)], `request ${i}`);
          await server.send(`r${i}`);
          await expect(client, [Buffer.from(`r${i}`)], `reply ${i}`);
        }
      } finally {
        closeAll(client, server);
      }
    });

    test(`CURVE DEALER/ROUTER (${who})`, async () => {
      const { server, client } = await curvePair(serverImpl, "ROUTER", clientImpl, "DEALER", bindSide);
      try {
        await client.send(BIG());
        const [id, ...rest] = await withDeadline(server.receive(), 10_000, "the ROUTER's message");
        assert.ok(sameMessage(rest, BIG()), describe(rest));
        await server.send([id!, ...BIG()]);
        await expect(client, BIG(), "the DEALER's message");
        for (let i = 0; i < IN_ORDER; i++) await client.send(["n", String(i)]);
        for (let i = 0; i < IN_ORDER; i++) {
          const [, ...msg] = await withDeadline(server.receive(), 10_000, `message ${i}`);
          assert.deepEqual(msg.map(String), ["n", String(i)]);
        }
      } finally {
        closeAll(client, server);
      }
    });

    test(`CURVE PUSH/PULL (${who})`, async () => {
      const { server, client } = await curvePair(serverImpl, "PULL", clientImpl, "PUSH", bindSide);
      try {
        await client.send(BIG());
        await expect(server, BIG(), "the big message");
        for (let i = 0; i < IN_ORDER; i++) await client.send(String(i));
        for (let i = 0; i < IN_ORDER; i++) await expect(server, [Buffer.from(String(i))], `message ${i}`);
      } finally {
        closeAll(client, server);
      }
    });

    test(`CURVE PUB/SUB (${who})`, async () => {
      // High-water marks above the burst: a publisher drops at its mark, and every message must arrive here.
      const { server, client } = await curvePair(
        serverImpl, "PUB", clientImpl, "SUB", bindSide, { sendHighWaterMark: 4 * IN_ORDER }, { receiveHighWaterMark: 4 * IN_ORDER },
      );
      try {
        (client as unknown as { subscribe(t: string): void }).subscribe("t");
        // The subscription travels sealed too: publish until it has arrived.
        const first = withDeadline(client.receive(), 10_000, "the first publication");
        let got = false;
        void first.then(() => (got = true), () => undefined);
        while (!got) {
          await server.send(["t-probe"]);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await first;
        await server.send(["x-filtered"]);
        await server.send(["t", ...BIG()]);
        let msg = await withDeadline(client.receive(), 10_000, "the big publication");
        while (msg[0]!.toString() === "t-probe") msg = await withDeadline(client.receive(), 10_000, "the big publication");
        assert.ok(sameMessage(msg, [Buffer.from("t"), ...BIG()]), describe(msg));
        for (let i = 0; i < IN_ORDER; i++) await server.send(`t${i}`);
        for (let i = 0; i < IN_ORDER; i++) await expect(client, [Buffer.from(`t${i}`)], `publication ${i}`);
      } finally {
        closeAll(client, server);
      }
    });
  }
}

for (const [serverImpl, clientImpl] of [["purezmq", "libzmq"], ["libzmq", "purezmq"]] as const) {
  test(`CURVE heartbeats travel sealed both ways (${serverImpl} server, ${clientImpl} client): PINGs answered, the connection lives`, async () => {
    const beat = { heartbeatInterval: 20, heartbeatTimeout: 200 };
    const { server, client } = await curvePair(serverImpl, "PULL", clientImpl, "PUSH", "server", beat, beat);
    try {
      let disconnects = 0;
      for (const s of [server, client]) s.events.on("disconnect", () => disconnects++);
      await client.send("before");
      await expect(server, [Buffer.from("before")], "the first message");
      // Ten heartbeat intervals and more: an unanswered or unreadable PING would have closed the connection.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await client.send("after");
      await expect(server, [Buffer.from("after")], "the message after the heartbeats");
      assert.equal(disconnects, 0);
    } finally {
      closeAll(client, server);
    }
  });
}
