/**
 * Latency under load: the REQ/REP round trips of case 1 (32 B, echo server
 * in a worker) while the same process floods 100-octet PUSH -> PULL
 * messages to a second worker, for each library; the limit is node:net
 * ping-pong beside a node:net flood of the same frames. Reports p50, p99
 * and p99.9 of the round trips, and the flood's delivered rate.
 */
import net from "node:net";
import { once } from "node:events";
import { Worker } from "../lib/child.js";
import { makeSocket, type Lib } from "../lib/sockets.js";
import { secondsSince } from "../lib/stats.js";
import type { BenchCase, Metrics } from "../lib/case.js";
import { netRound as netRoundTrips, zmqRound as zmqRoundTrips } from "./reqrep.js";

const FLOOD_BODY = 100;
const WARM = Buffer.from("w");
const END = Buffer.from("e");

/** A flood running until stop() is called; stop() resolves the messages it delivered. */
interface Flood {
  stop(): Promise<number>;
}

async function zmqFlood(lib: Lib): Promise<Flood> {
  const { worker, ready } = await Worker.start("sink", { lib, kind: "Pull", size: FLOOD_BODY });
  const push = await makeSocket(lib, "Push");
  push.connect(ready.endpoint as string);
  await push.send(WARM);
  await worker.next("warm", 10_000);
  const body = Buffer.alloc(FLOOD_BODY, 0x61);
  let running = true;
  const loop = (async () => {
    // The zeromq.js idiom, as in the throughput cases: whatever yielding to
    // the event loop there is, is the library's own.
    while (running) await push.send(body);
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
        await push.send(END);
        const done = await worker.next("done", 60_000);
        return done.count as number;
      } finally {
        push.close();
        await worker.stop();
      }
    },
  };
}

async function netFlood(): Promise<Flood> {
  const { worker, ready } = await Worker.start("sink-net", {});
  const sock = net.connect(ready.port as number, "127.0.0.1");
  await once(sock, "connect");
  sock.setNoDelay(true);
  const frame = 2 + FLOOD_BODY;
  const perBatch = Math.floor((64 * 1024) / frame);
  const batch = Buffer.alloc(perBatch * frame, 0x61);
  let running = true;
  const loop = (async () => {
    while (running) {
      if (!sock.write(batch)) await once(sock, "drain");
      else await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    async stop() {
      running = false;
      try {
        await loop;
        sock.end();
        const done = await worker.next("done", 60_000);
        return (done.bytes as number) / frame;
      } finally {
        sock.destroy();
        await worker.stop();
      }
    },
  };
}

async function underLoad(flood: () => Promise<Flood>, trips: () => Promise<Metrics>): Promise<Metrics> {
  const f = await flood();
  const start = process.hrtime.bigint();
  let m: Metrics | undefined;
  try {
    m = await trips();
  } finally {
    // Stopped (its worker too) whether the round trips worked or not.
    const delivered = await f.stop();
    if (m) m.floodRate = delivered / secondsSince(start);
  }
  return m;
}

export function loadCase(seconds: number): BenchCase {
  return {
    id: "reqrep-load",
    title: "REQ/REP latency beside a PUSH -> PULL flood",
    metric: "p99Us",
    unit: "us p99",
    higherIsBetter: false,
    variants: [
      { side: "purezmq", label: "purezmq Request -> Reply beside a Push -> Pull flood", round: () => underLoad(() => zmqFlood("purezmq"), () => zmqRoundTrips("purezmq", seconds)) },
      { side: "native", label: "zeromq Request -> Reply beside a Push -> Pull flood", round: () => underLoad(() => zmqFlood("native"), () => zmqRoundTrips("native", seconds)) },
      { side: "net", label: "node:net ping-pong beside a node:net flood of 102-octet frames", round: () => underLoad(netFlood, () => netRoundTrips(seconds)) },
    ],
    extras: [
      { key: "p50Us", label: "latency p50 (us)", digits: 1 },
      { key: "p999Us", label: "latency p99.9 (us)", digits: 1 },
      { key: "rate", label: "round trips/s" },
      { key: "floodRate", label: "flood delivered msg/s" },
    ],
    note: `32 B round trips beside 100 B flood messages, from the same process; echo server and flood receiver in two worker processes; ${seconds} s of round trips per round; the flood is a loop of awaited send() (node:net: 64 KiB writes, awaiting drain or else setImmediate)`,
  };
}
