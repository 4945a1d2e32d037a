/**
 * Idle connections at scale: 1, 100 and 10,000 clients connected to one
 * ROUTER (purezmq or native, in a worker process) or to a bare node:net
 * server (the floor: it accepts, reads and echoes, nothing more). The
 * clients are purezmq DEALERs (node:net sockets for the floor) in a second
 * worker; each says hello once connected, so the server knows it has them
 * all. Reports, per connection and in the server's process, after full
 * garbage collections:
 * - RSS once every client has said hello (idle connections);
 * - the ArrayBuffers kept per connection after one round of traffic (each
 *   client sends a burst of 100 messages of 100 B, waits for their echoes,
 *   then one of 64 KiB and waits for its echo);
 * - the handshake rate: connections per second until the server has seen
 *   every hello (clients created in one loop, all dialing at once).
 * The clients' own figures (purezmq DEALER side) are reported too.
 */
import { execFileSync } from "node:child_process";
import { Worker } from "../lib/child.js";
import { hasSockets, type Lib } from "../lib/sockets.js";
import type { MemorySample } from "../lib/idle-roles.js";
import type { BenchCase, Metrics } from "../lib/case.js";

/** Client counts of the curve. */
export const IDLE_POINTS = [1, 100, 10_000];
/** Descriptors kept free for the runtime itself (stdio, IPC, libuv, the listener). */
const FD_RESERVE = 200;

/** The per-process descriptor limit, as this process (and its forks) have it. */
function fdLimit(): number {
  try {
    const out = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
    return out === "unlimited" ? Infinity : Number(out);
  } catch {
    return 1024;
  }
}

/** The most clients that fit: each side holds one descriptor per connection (libzmq's sockets more, but in the other process). */
export function fittingClients(n: number): number {
  return Math.max(1, Math.min(n, fdLimit() - FD_RESERVE));
}

const KB = 1024;

async function round(server: Lib | "net", n: number): Promise<Metrics> {
  const started = await Worker.start("idle-server", { lib: server, n }, 60_000);
  const srv = started.worker;
  let clients: Worker | undefined;
  try {
    const base = started.ready.memory as MemorySample;
    const net = server === "net";
    const c = await Worker.start("idle-clients", { net, n, endpoint: started.ready.endpoint, port: started.ready.port }, 60_000);
    clients = c.worker;
    const seen = srv.next("seen", 100_000);
    const t0 = process.hrtime.bigint();
    clients.send({ type: "go" });
    const idle = (await seen).memory as MemorySample;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await clients.next("connecting", 60_000);
    clients.send({ type: "traffic" });
    const done = await clients.next("done", 100_000);
    srv.send({ type: "measure" });
    const after = (await srv.next("measured", 30_000)).memory as MemorySample;
    const cBase = done.base as MemorySample;
    const cIdle = done.connected as MemorySample;
    const cAfter = done.after as MemorySample;
    const per = (a: number, b: number): number => (a - b) / n / KB;
    return {
      rssKB: per(idle.rss, base.rss),
      heapKB: per(idle.heap, base.heap),
      buffersKB: per(idle.arrayBuffers, base.arrayBuffers),
      externalKB: per(idle.external, base.external),
      afterRssKB: per(after.rss, base.rss),
      afterHeapKB: per(after.heap, base.heap),
      afterBuffersKB: per(after.arrayBuffers, base.arrayBuffers),
      handshakesPerSec: n / seconds,
      clientRssKB: per(cIdle.rss, cBase.rss),
      clientHeapKB: per(cIdle.heap, cBase.heap),
      clientAfterBuffersKB: per(cAfter.arrayBuffers, cBase.arrayBuffers),
      clients: n,
    };
  } finally {
    await clients?.stop();
    await srv.stop();
  }
}

/** One case per point of the curve. */
export async function idleCases(): Promise<BenchCase[]> {
  const built = await hasSockets("purezmq", "Router", "Dealer");
  return IDLE_POINTS.map((wanted) => {
    const n = fittingClients(wanted);
    const fits = n === wanted ? "" : `; only ${n.toLocaleString("en-US")} clients fit the descriptor limit (ulimit -n), not ${wanted.toLocaleString("en-US")}`;
    return {
      id: `idle-clients-${wanted}`,
      title: `${wanted.toLocaleString("en-US")} idle DEALERs -> 1 ROUTER`,
      metric: "rssKB",
      unit: "KB RSS per connection",
      higherIsBetter: false,
      skip: built ? undefined : "not built yet (purezmq exports no Router/Dealer)",
      variants: [
        { side: "purezmq" as const, label: `purezmq Router, ${n} purezmq Dealers in another process`, round: () => round("purezmq", n) },
        { side: "native" as const, label: `zeromq Router, ${n} purezmq Dealers in another process`, round: () => round("native", n) },
        { side: "net" as const, label: `node:net echo server, ${n} node:net clients in another process`, round: () => round("net", n) },
      ],
      extras: [
        { key: "heapKB", label: "JS heap per idle connection (KB)", digits: 2 },
        { key: "buffersKB", label: "ArrayBuffers per idle connection (KB)", digits: 2 },
        { key: "afterRssKB", label: "RSS per connection after traffic (KB)", digits: 1 },
        { key: "afterHeapKB", label: "JS heap per connection after traffic (KB)", digits: 2 },
        { key: "afterBuffersKB", label: "ArrayBuffers kept per connection after traffic (KB)", digits: 2 },
        { key: "handshakesPerSec", label: "connections/s until the server saw every client", digits: 0 },
        { key: "clientRssKB", label: "client side: RSS per idle connection (KB)", digits: 1 },
        { key: "clientHeapKB", label: "client side: JS heap per idle connection (KB)", digits: 2 },
        { key: "clientAfterBuffersKB", label: "client side: ArrayBuffers kept per connection after traffic (KB)", digits: 2 },
        { key: "clients", label: "clients connected" },
      ],
      note: `server in a worker process, clients in another; memory after full GCs, delta over the server's baseline before any client, divided by the clients; traffic: each client sends 100 x 100 B at once, then 64 KiB, and waits for the echoes; RSS and JS heap figures of node:net are those of its bare sockets (its ArrayBuffers are the floor)${fits}`,
    };
  });
}
