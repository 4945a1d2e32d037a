/**
 * Hostile WebSocket peers against a purezmq ws:// listener: a message over
 * the size bound (refused by the WebSocket layer before it is buffered),
 * one within it but over maxMessageSize, a flags octet RFC 45 does not
 * allow, an empty message, a text message, and a client offering no ZWS
 * subprotocol. Each ends that connection with a clear reason (an event
 * here, a close code there); the listener goes on serving a good peer.
 * What the engine refuses (a bad handshake, a silent peer) gets a close
 * code that says why, too; TCP connections that never ask for the
 * upgrade hold no more than maxConnections slots, each for no longer than
 * handshakeInterval. (What the listener does with its own TCP sockets is
 * in zws-listener-sockets.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket as NetSocket } from "node:net";
import WebSocket from "ws";
import { Dealer, Router } from "../../src/index.js";
import { bindResolved, events, nextEvent, texts, track, withDeadline } from "../zmtp/sockets/helpers.js";
import { rawPeer } from "./zws-raw-peer.js";

/** The close code the server ends `ws` with. */
function closeCode(ws: WebSocket): Promise<number> {
  return withDeadline(new Promise((resolve) => ws.once("close", (code: number) => resolve(code))), 5000, "the server's close");
}

const attacks: Array<{ name: string; send: (ws: WebSocket) => void; code: number; error: RegExp; errorCode: string }> = [
  {
    name: "a message over the WebSocket bound (maxMessageSize, at least 64 KiB, plus the flags octet)",
    send: (ws) => ws.send(Buffer.alloc(128 * 1024)),
    code: 1009, error: /size bound/, errorCode: "EMSGSIZE",
  },
  {
    name: "a frame within the WebSocket bound but over maxMessageSize",
    send: (ws) => ws.send(Buffer.concat([Buffer.from([0x00]), Buffer.alloc(5000)])),
    // Refused by the engine, which ends it after what it had to send, and says why.
    code: 1009, error: /5000|1000/, errorCode: "EMSGSIZE",
  },
  {
    name: "a flags octet RFC 45 does not allow",
    send: (ws) => ws.send(Buffer.from([0x07, 1, 2, 3])),
    code: 1002, error: /flags octet 0x07/, errorCode: "EPROTO",
  },
  {
    name: "an empty message (no flags octet)",
    send: (ws) => ws.send(Buffer.alloc(0)),
    code: 1002, error: /empty WebSocket message/, errorCode: "EPROTO",
  },
  {
    name: "a text message",
    send: (ws) => ws.send("\u0000hello"),
    code: 1002, error: /text WebSocket message/, errorCode: "EPROTO",
  },
  {
    name: "a command over bare ZWS2.0",
    send: (ws) => ws.send(Buffer.from([0x02, 4, ...Buffer.from("PING"), 0, 0])),
    code: 1002, error: /command over ZWS2\.0/, errorCode: "EPROTO",
  },
];

for (const attack of attacks) {
  test(`${attack.name}: the connection ends with ${attack.errorCode}, the listener serves the next peer`, async (t) => {
    const [router] = track(t, new Router({ maxMessageSize: 1000 }));
    const endpoint = await bindResolved(router, "ws://127.0.0.1:0");
    const attacker = await rawPeer(endpoint);
    const ended = nextEvent(router, "disconnect");
    const closed = closeCode(attacker);
    attack.send(attacker);
    const event = await ended;
    assert.equal((event.error as NodeJS.ErrnoException).code, attack.errorCode);
    assert.match(event.error!.message, attack.error);
    assert.equal(await closed, attack.code);
    const [good] = track(t, new Dealer({ routingId: "good" }));
    good.connect(endpoint);
    await good.send("still served");
    assert.deepEqual(texts(await withDeadline(router.receive(), 5000, "the good peer's message")), ["good", "still served"]);
  });
}

test("a client offering no ZWS subprotocol, or asking for another path, is refused before the upgrade", async (t) => {
  const [router] = track(t, new Router());
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0/zmq");
  const refusal = (url: string, protocols: string[]): Promise<number> => withDeadline(new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => resolve(101));
    ws.once("error", () => {});
  }), 5000, "the server's answer");
  assert.equal(await refusal(endpoint, ["chat"]), 400);
  assert.equal(await refusal(endpoint.replace(/\/zmq$/, "/other"), ["ZWS2.0"]), 404);
  assert.equal(await refusal(endpoint, ["ZWS2.0"]), 101);
});

test("a peer the engine refuses in the handshake is told why by the close code", async (t) => {
  const [router] = track(t, new Router({ handshakeInterval: 300 }));
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0");
  const refusals: Array<{ name: string; send: (ws: WebSocket) => void; code: number; reason: RegExp }> = [
    { name: "an Identity over 255 octets", send: (ws) => ws.send(Buffer.concat([Buffer.from([0x00]), Buffer.alloc(300, 1)])), code: 1002, reason: /Identity of 300 octets/ },
    { name: "silence past handshakeInterval", send: () => {}, code: 1008, reason: /handshake not completed within 300 ms/ },
  ];
  for (const refusal of refusals) {
    const ws = new WebSocket(endpoint, ["ZWS2.0"]);
    await withDeadline(new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    }), 5000, "the WebSocket to open");
    const closed = withDeadline(new Promise<[number, string]>((resolve) => ws.once("close", (code: number, reason: Buffer) => resolve([code, reason.toString()]))), 5000, "the server's close");
    refusal.send(ws);
    const [code, reason] = await closed;
    assert.equal(code, refusal.code, refusal.name);
    assert.match(reason, refusal.reason, refusal.name);
  }
});

test("TCP connections that send no upgrade request: maxConnections of them are held, for handshakeInterval, the rest closed at once", async (t) => {
  const [router] = track(t, new Router({ maxConnections: 2, handshakeInterval: 1000 }));
  const endpoint = await bindResolved(router, "ws://127.0.0.1:0");
  const port = Number(new URL(endpoint).port);
  const count = 20;
  const refused = events(router, "accept:error", count - 2);
  const open = new Set<NetSocket>();
  const closed = new Map<NetSocket, Promise<unknown>>();
  t.after(() => {
    for (const raw of open) raw.destroy();
  });
  await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
    const raw = connect(port, "127.0.0.1", resolve);
    raw.once("error", reject);
    open.add(raw);
    closed.set(raw, new Promise((gone) => raw.once("close", () => gone(open.delete(raw)))));
    // Reading, so that the listener's close shows here.
    raw.resume();
  })));
  for (const event of await refused) assert.equal((event as { error?: { code?: string } }).error?.code, "EMFILE");
  // The refused ones are closed at once; the 2 held ones wait out the handshake time.
  await withDeadline(new Promise<void>((resolve) => {
    const check = (): void => {
      if (open.size === 2) resolve();
    };
    for (const gone of closed.values()) void gone.then(check);
    check();
  }), 5000, `${count - 2} refused connections to close`);
  await withDeadline(Promise.all([...open].map((raw) => closed.get(raw))), 5000, "the held connections to be closed after handshakeInterval");
  const [good] = track(t, new Dealer({ routingId: "good" }));
  good.connect(endpoint);
  await good.send("served");
  assert.deepEqual(texts(await withDeadline(router.receive(), 5000, "the good peer's message")), ["good", "served"]);
});
