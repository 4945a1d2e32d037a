/**
 * Scripted CURVE peers against purezmq: a broken or hostile handshake, and
 * forged, replayed, reordered or wrapped MESSAGE commands after it, each
 * close that connection alone with an event that says why; the server
 * keeps serving good clients. And a purezmq client facing a server that
 * does not hold the key it expects.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { randomBytes } from "node:crypto";
import { Dealer, Router, curveKeyPair, type EventType } from "../../src/index.js";
import { nextEvent, type AnyEvent } from "../support/sockets.js";
import { withDeadline } from "../support/deadline.js";
import { CurvePeer, type Tamper } from "./curve-peer.js";
import { ourError } from "../support/our-error.js";

const serverKeys = curveKeyPair();
const clientKeys = curveKeyPair();
let server: Router;
let endpoint: string;

before(async () => {
  server = new Router({ curveServer: true, curveSecretKey: serverKeys.secretKey, maxMessageSize: 4096 });
  await server.bind("tcp://127.0.0.1:0");
  endpoint = server.lastEndpoint!;
});

after(() => server.close());

const connect = (tamper?: Tamper, claim?: string) => CurvePeer.connect(endpoint, { serverKey: serverKeys.publicKey, keys: clientKeys, tamper, claim });

/** Changes the body of the command named `name` with `change`. */
const on = (name: string, change: (body: Buffer) => Buffer): Tamper => (n, body) => (n === name ? change(Buffer.from(body)) : undefined);
const flip = (at: number) => (body: Buffer) => {
  const i = at < 0 ? body.length + at : at;
  body[i]! ^= 0x01;
  return body;
};

/** Waits for the event, and for the server to close the scripted peer's connection. */
async function refused(peer: CurvePeer, type: EventType, reason: RegExp, pending: Promise<AnyEvent>): Promise<void> {
  try {
    const e = await pending;
    assert.equal(e.type, type);
    assert.match(ourError(e)?.message ?? "", reason);
    await peer.waitClosed();
  } finally {
    peer.destroy();
  }
}

const HANDSHAKE: Array<{ what: string; tamper: Tamper; reason: RegExp; claim?: string }> = [
  { what: "a truncated HELLO", tamper: on("HELLO", (b) => b.subarray(0, b.length - 1)), reason: /malformed CURVE HELLO: 193 data octets, 194 expected/ },
  { what: "a HELLO of version 2.0", tamper: on("HELLO", (b) => ((b[6] = 2), b)), reason: /HELLO of version 2\.0/ },
  { what: "a HELLO whose signature box was changed", tamper: on("HELLO", flip(-1)), reason: /HELLO does not open/ },
  { what: "a HELLO of 70,000 octets", tamper: on("HELLO", (b) => Buffer.concat([b, Buffer.alloc(70_000)])), reason: /exceeds the limit/ },
  { what: "an INITIATE with a changed cookie", tamper: on("INITIATE", flip(9 + 20)), reason: /cookie that is not ours/ },
  { what: "an INITIATE whose box was changed", tamper: on("INITIATE", flip(-1)), reason: /INITIATE does not open/ },
  { what: "a truncated INITIATE", tamper: on("INITIATE", (b) => b.subarray(0, 200)), reason: /malformed CURVE INITIATE/ },
  {
    what: "a MESSAGE instead of INITIATE (before READY)",
    tamper: on("INITIATE", () => Buffer.concat([Buffer.from("\x07MESSAGE", "latin1"), randomBytes(40)])),
    reason: /unexpected MESSAGE command in the CURVE handshake/,
  },
  {
    what: "an INITIATE claiming a long-term key the client does not hold",
    tamper: () => undefined,
    claim: curveKeyPair().publicKey,
    reason: /vouch that does not prove/,
  },
];

for (const c of HANDSHAKE) {
  test(`CURVE server: ${c.what} closes that connection with a reason`, async () => {
    const pending = nextEvent(server, "handshake:error:protocol");
    const peer = await connect(c.tamper, c.claim);
    await refused(peer, "handshake:error:protocol", c.reason, pending);
  });
}

/** A scripted client through READY, with the server's disconnect event awaited from the start. */
async function handshaken(): Promise<{ peer: CurvePeer; gone: Promise<AnyEvent> }> {
  const gone = nextEvent(server, "disconnect");
  const peer = await connect();
  await withDeadline(peer.ready, 5000, "READY");
  return { peer, gone };
}

async function receives(body: string): Promise<void> {
  const [, msg] = await withDeadline(server.receive(), 5000, `"${body}"`);
  assert.equal(msg!.toString(), body);
}

const TRAFFIC: Array<{ what: string; run: (peer: CurvePeer) => Promise<void>; reason: RegExp }> = [
  {
    what: "a replayed MESSAGE",
    run: async (peer) => {
      const m = peer.seal("once");
      peer.send(m);
      await receives("once");
      peer.send(m);
    },
    reason: /MESSAGE with a replayed or out-of-order nonce/,
  },
  {
    what: "MESSAGEs out of order (a decreasing nonce)",
    run: async (peer) => {
      const first = peer.seal("first");
      const second = peer.seal("second");
      peer.send(second);
      await receives("second");
      peer.send(first);
    },
    reason: /replayed or out-of-order nonce/,
  },
  {
    what: "a MESSAGE whose box was changed",
    run: async (peer) => {
      const m = peer.seal("tampered");
      m[m.length - 1]! ^= 0x80;
      peer.send(m);
    },
    reason: /MESSAGE box does not open/,
  },
  {
    what: "a nonce that wraps around after 2^64 - 1",
    run: async (peer) => {
      peer.send(peer.sealWithNonce("last", 0xffffffff, 0xffffffff));
      await receives("last");
      peer.send(peer.sealWithNonce("wrapped", 0, 1));
    },
    reason: /replayed or out-of-order nonce/,
  },
  {
    what: "a plain frame instead of a MESSAGE",
    run: async (peer) => peer.write(Buffer.from([0x00, 0x05, ...Buffer.from("plain")])),
    reason: /not a well-formed MESSAGE/,
  },
  {
    what: "a sealed frame over maxMessageSize (refused from its header, before it is read)",
    run: async (peer) => peer.send(peer.seal("x".repeat(5000))),
    reason: /frame of 5033 octets exceeds the limit of 4129/,
  },
  {
    what: "a sealed message of two frames over maxMessageSize",
    run: async (peer) => {
      peer.send(peer.seal("x".repeat(3000), true));
      peer.send(peer.seal("y".repeat(3000)));
    },
    reason: /message of at least 6000 octets exceeds the limit of 4096/,
  },
];

for (const c of TRAFFIC) {
  test(`CURVE server: ${c.what} after READY ends that connection with a reason`, async () => {
    const { peer, gone } = await handshaken();
    await c.run(peer);
    await refused(peer, "disconnect", c.reason, gone);
  });
}

test("CURVE server: after all that, a good client is served", async () => {
  const client = new Dealer({ curveServerKey: serverKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey });
  try {
    client.connect(endpoint);
    await client.send("still here");
    await receives("still here");
  } finally {
    client.close();
  }
});

/** A raw server that greets as a CURVE server and answers HELLO with `welcome`. */
async function fakeServer(welcome: Buffer): Promise<{ endpoint: string; close: () => void }> {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => {
    sockets.push(s);
    s.on("error", () => undefined);
    const g = Buffer.alloc(64);
    g[0] = 0xff; g[8] = 1; g[9] = 0x7f; g[10] = 3; g[11] = 0;
    g.write("CURVE", 12, "latin1");
    g[32] = 1;
    s.write(g);
    s.once("data", () => s.write(Buffer.concat([Buffer.from([0x04, welcome.length]), welcome])));
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  return { endpoint: `tcp://127.0.0.1:${port}`, close: () => (sockets.forEach((s) => s.destroy()), srv.close()) };
}

for (const [what, welcome, reason] of [
  ["a WELCOME not sealed with the expected server key", Buffer.concat([Buffer.from("\x07WELCOME", "latin1"), randomBytes(160)]), /WELCOME from .* does not open/],
  ["a truncated WELCOME", Buffer.concat([Buffer.from("\x07WELCOME", "latin1"), randomBytes(159)]), /malformed CURVE WELCOME/],
] as const) {
  test(`CURVE client: ${what} ends the handshake with a reason`, async () => {
    const fake = await fakeServer(welcome);
    const client = new Dealer({ curveServerKey: serverKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey, reconnectInterval: 60_000 });
    try {
      const failed = nextEvent(client, "handshake:error:protocol");
      client.connect(fake.endpoint);
      assert.match(ourError(await failed)!.message, reason);
    } finally {
      client.close();
      fake.close();
    }
  });
}
