/**
 * Case 1: REQ -> REP sequential round trips of a 32-octet body, one client,
 * the REP echo server in a worker process. The limit is a node:net
 * ping-pong of the same 36 octets a REQ/REP exchange puts on the wire
 * (delimiter frame 01 00 + body frame 00 20 + 32 octets) each way.
 */
import net from "node:net";
import { once } from "node:events";
import { Worker } from "../lib/child.js";
import { makeSocket, type Lib } from "../lib/sockets.js";
import { percentile } from "../lib/stats.js";
import type { BenchCase, Metrics } from "../lib/case.js";

const BODY = 32;
const WIRE = 2 + 2 + BODY;
const WARMUP = 500;

function summarise(lat: number[], seconds: number): Metrics {
  const sorted = Float64Array.from(lat).sort();
  return {
    rate: lat.length / seconds,
    roundTrips: lat.length,
    meanUs: (seconds / lat.length) * 1e6,
    p50Us: percentile(sorted, 50) / 1e3,
    p99Us: percentile(sorted, 99) / 1e3,
    p999Us: percentile(sorted, 99.9) / 1e3,
  };
}

/** Times `trip` for `seconds`, recording each round trip in ns. */
async function timed(trip: () => Promise<void>, seconds: number): Promise<Metrics> {
  for (let i = 0; i < WARMUP; i++) await trip();
  const lat: number[] = [];
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let t = start;
  while (t < deadline) {
    await trip();
    const now = process.hrtime.bigint();
    lat.push(Number(now - t));
    t = now;
  }
  return summarise(lat, Number(t - start) / 1e9);
}

export async function zmqRound(lib: Lib, seconds: number): Promise<Metrics> {
  const { worker, ready } = await Worker.start("echo", { lib });
  const req = await makeSocket(lib, "Request");
  try {
    req.connect(ready.endpoint as string);
    const body = Buffer.alloc(BODY, 0x61);
    return await timed(async () => {
      await req.send(body);
      const [reply] = await req.receive();
      if (reply?.length !== BODY) throw new Error("bad echo");
    }, seconds);
  } finally {
    req.close();
    await worker.stop();
  }
}

export async function netRound(seconds: number): Promise<Metrics> {
  const { worker, ready } = await Worker.start("echo-net", {});
  const sock = net.connect(ready.port as number, "127.0.0.1");
  try {
    await once(sock, "connect");
    sock.setNoDelay(true);
    const out = Buffer.alloc(WIRE, 0x61);
    let have = 0;
    let resolve: (() => void) | undefined;
    sock.on("data", (c: Buffer) => {
      have += c.length;
      if (have >= WIRE && resolve) {
        have -= WIRE;
        const r = resolve;
        resolve = undefined;
        r();
      }
    });
    return await timed(
      () =>
        new Promise<void>((r) => {
          resolve = r;
          sock.write(out);
        }),
      seconds,
    );
  } finally {
    sock.destroy();
    await worker.stop();
  }
}

export function reqrepCase(seconds: number): BenchCase {
  return {
    id: "reqrep",
    title: "REQ/REP round trips, 32 B, 1 client",
    metric: "rate",
    unit: "round trips/s",
    higherIsBetter: true,
    variants: [
      { side: "purezmq", label: "purezmq Request -> Reply", round: () => zmqRound("purezmq", seconds) },
      { side: "native", label: "zeromq Request -> Reply", round: () => zmqRound("native", seconds) },
      { side: "net", label: `node:net ping-pong of ${WIRE} octets`, round: () => netRound(seconds) },
    ],
    extras: [
      { key: "p50Us", label: "latency p50 (us)", digits: 1 },
      { key: "p99Us", label: "latency p99 (us)", digits: 1 },
    ],
    target: { ratio: 3, ofLimit: 0.7 },
    latencyBound: true,
    note: `server in a worker process; ${seconds} s per round after ${WARMUP} warm-up round trips`,
  };
}
