/**
 * The interop matrix of the request-reply family and PAIR with libzmq 4.3:
 * every legal pair (REQ-REP, REQ-ROUTER, DEALER-REP, DEALER-DEALER,
 * DEALER-ROUTER, ROUTER-ROUTER, PAIR-PAIR), purezmq on either side, either
 * side binding, over tcp and ipc. Each case echoes multipart messages, empty
 * frames, frames of 0, 255, 256 octets and 1 MiB, then 1,000 numbered
 * messages whose order is checked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bindAddress, bindResolved, closeAll, describe, makeSocket, nextEvent, patterned, sameMessage, withDeadline,
  type Impl, type NetTransport, type PeerSocket, type TypeName,
} from "./peers.js";

/** A legal pair: `client` sends first, `server` echoes. */
interface PairSpec {
  client: TypeName;
  server: TypeName;
}

const PAIRS: PairSpec[] = [
  { client: "REQ", server: "REP" },
  { client: "REQ", server: "ROUTER" },
  { client: "DEALER", server: "REP" },
  { client: "DEALER", server: "DEALER" },
  { client: "DEALER", server: "ROUTER" },
  { client: "ROUTER", server: "ROUTER" },
  { client: "PAIR", server: "PAIR" },
];

const TRANSPORTS: NetTransport[] = ["tcp", "ipc"];
const SEQUENCE_LENGTH = 1000;
/** Messages a pipelining client keeps in flight, well under the default high-water mark of 1,000. */
const WINDOW = 100;
/** Every wait in a case is bounded, so a lost message fails instead of hanging. */
const RECEIVE_TIMEOUT = 15_000;
/** The ROUTER-ROUTER connector names the binder with this routing id. */
const SERVER_ID = Buffer.from("server");
const CLIENT_ID = Buffer.from("client");

const MiB = 1024 * 1024;

/** The messages of every case: the edge cases, then the numbered sequence. */
function messages(): Buffer[][] {
  const edge: Buffer[][] = [
    [Buffer.from("a"), Buffer.from("bc"), Buffer.from("def")],
    [Buffer.alloc(0)],
    [Buffer.alloc(0), Buffer.from("x"), Buffer.alloc(0)],
    [patterned(0, 1)],
    [patterned(255, 2)],
    [patterned(256, 3)],
    [patterned(MiB, 4)],
    [patterned(255, 5), Buffer.alloc(0), patterned(256, 6), patterned(MiB, 7)],
  ];
  const seq: Buffer[][] = [];
  for (let i = 0; i < SEQUENCE_LENGTH; i++) {
    const n = Buffer.allocUnsafe(4);
    n.writeUInt32BE(i, 0);
    seq.push([Buffer.from(`message ${i}`), n]);
  }
  return [...edge, ...seq];
}

/** What the client sends for the server application to see `msg`, and what it gets back. */
function onClientWire(pair: PairSpec, msg: Buffer[]): Buffer[] {
  if (pair.client === "DEALER" && pair.server === "REP") return [Buffer.alloc(0), ...msg];
  if (pair.client === "ROUTER") return [SERVER_ID, ...msg];
  return msg;
}

/** What the server application receives for `msg`, after its routing id frame if ROUTER. */
function seenByServer(pair: PairSpec, msg: Buffer[]): Buffer[] {
  if (pair.client === "REQ" && pair.server === "ROUTER") return [Buffer.alloc(0), ...msg];
  return msg;
}

/** One case of the matrix. */
interface Case {
  pair: PairSpec;
  transport: NetTransport;
  /** Which side purezmq plays. */
  ours: "client" | "server";
  /** Which side binds. */
  binder: "client" | "server";
  /** The client announces an Identity (else the ROUTER makes one). */
  clientIdentity: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const pair of PAIRS) {
    const symmetric = pair.client === pair.server;
    for (const transport of TRANSPORTS) {
      // Give the client an Identity on ipc and let the ROUTER number it on tcp, to cover both.
      const clientIdentity = pair.client === "ROUTER" || (pair.server === "ROUTER" && transport === "ipc");
      if (pair.client === "ROUTER") {
        // ROUTER-ROUTER: the connector names the binder, so it is the one that speaks first.
        for (const ours of ["client", "server"] as const) out.push({ pair, transport, ours, binder: "server", clientIdentity });
      } else if (symmetric) {
        // Both sides send and receive every message: only who binds matters.
        for (const binder of ["server", "client"] as const) out.push({ pair, transport, ours: "client", binder, clientIdentity });
      } else {
        for (const ours of ["client", "server"] as const) {
          for (const binder of ["server", "client"] as const) out.push({ pair, transport, ours, binder, clientIdentity });
        }
      }
    }
  }
  return out;
}

function caseName(c: Case): string {
  const side = (role: "client" | "server"): string =>
    `${c.pair[role]} (${c.binder === role ? "bind" : "connect"})`;
  const oursRole = c.ours;
  const theirsRole = c.ours === "client" ? "server" : "client";
  return `purezmq ${side(oursRole)} <-> libzmq ${side(theirsRole)} over ${c.transport}`;
}

async function serve(c: Case, server: PeerSocket, all: Buffer[][]): Promise<void> {
  for (let i = 0; i < all.length; i++) {
    const msg = await server.receive();
    let body = msg;
    if (c.pair.server === "ROUTER") {
      const id = Buffer.from(msg[0]!);
      if (c.clientIdentity) assert.deepEqual(id, CLIENT_ID, `routing id of message ${i}`);
      else assert.ok(id.length === 5 && id[0] === 0, `generated routing id ${id.toString("hex")} of message ${i}`);
      body = msg.slice(1);
    }
    const expected = seenByServer(c.pair, all[i]!);
    assert.ok(sameMessage(body, expected), `server got ${describe(body)} as message ${i}, expected ${describe(expected)}`);
    await server.send(msg);
  }
}

async function drive(c: Case, client: PeerSocket, all: Buffer[][]): Promise<void> {
  const check = (got: Buffer[], i: number): void => {
    const expected = onClientWire(c.pair, all[i]!);
    assert.ok(sameMessage(got, expected), `client got ${describe(got)} as reply ${i}, expected ${describe(expected)}`);
  };
  if (c.pair.client === "REQ") {
    for (let i = 0; i < all.length; i++) {
      await client.send(onClientWire(c.pair, all[i]!));
      check(await client.receive(), i);
    }
    return;
  }
  // Pipelined, but never more than WINDOW messages in flight: REP and ROUTER
  // drop replies to a peer whose queue is at its high-water mark (libzmq as
  // well), and no reply may be lost here.
  let received = 0;
  let wakeSender: (() => void) | undefined;
  const sending = (async () => {
    for (let i = 0; i < all.length; i++) {
      while (i - received >= WINDOW) await new Promise<void>((resolve) => (wakeSender = resolve));
      await client.send(onClientWire(c.pair, all[i]!));
    }
  })();
  for (let i = 0; i < all.length; i++) {
    check(await client.receive(), i);
    received++;
    wakeSender?.();
    wakeSender = undefined;
  }
  await sending;
}

async function runCase(c: Case): Promise<void> {
  const impl = (role: "client" | "server"): Impl => (c.ours === role ? "purezmq" : "libzmq");
  const common = { receiveTimeout: RECEIVE_TIMEOUT };
  const client = makeSocket(impl("client"), c.pair.client, {
    ...common,
    ...(c.clientIdentity ? { routingId: CLIENT_ID.toString() } : {}),
  });
  let server: PeerSocket | undefined;
  try {
    server = makeSocket(impl("server"), c.pair.server, common);
    const [binder, connector] = c.binder === "server" ? [server, client] : [client, server];
    const address = await bindResolved(binder, bindAddress(c.transport));
    if (c.pair.client === "ROUTER") {
      // The binder's Identity is unknown to it; the connector must name it and wait for the route.
      const ready = nextEvent(connector, "handshake");
      connector.connect(address, { routingId: SERVER_ID.toString() });
      await ready;
    } else {
      connector.connect(address);
    }
    const all = messages();
    await withDeadline(Promise.all([serve(c, server, all), drive(c, client, all)]), 45_000, "the exchange");
  } finally {
    closeAll(client, server);
  }
}

for (const c of cases()) {
  test(caseName(c), () => runCase(c));
}

test("the matrix covers every legal pair both ways, both binders, both transports", () => {
  const all = cases();
  const names = new Set(all.map(caseName));
  assert.equal(names.size, all.length, "case names are unique");
  // 4 asymmetric pairs x 2 implementations x 2 binders + 3 symmetric pairs x 2, per transport.
  assert.equal(all.length, (4 * 4 + 3 * 2) * TRANSPORTS.length);
  for (const pair of PAIRS) {
    for (const impl of ["purezmq", "libzmq"]) {
      for (const type of new Set([pair.client, pair.server])) {
        assert.ok(
          all.some((c) => caseName(c).includes(`${impl} ${type}`) && c.pair === pair),
          `${impl} plays ${type} against ${pair.client}-${pair.server}`,
        );
      }
    }
  }
});
