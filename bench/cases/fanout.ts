/**
 * PUB fan-out at scale: one publisher, 1, 10, 100 and 1,000 subscribers,
 * all in one worker process (so that every point runs two processes),
 * each subscribed to every message. Reports delivered messages per second
 * over all subscribers and the CPU time both processes spent per delivered
 * message; PUB drops for a subscriber over its high-water mark (1000, both
 * libraries' default), so the share delivered is reported too.
 */
import { Worker } from "../lib/child.js";
import { bindLoopback, hasSockets, makeSocket, sendUntil, type Lib } from "../lib/sockets.js";
import { secondsSince } from "../lib/stats.js";
import type { BenchCase, Metrics } from "../lib/case.js";

const SIZE = 100;
/** Subscriber counts of the curve. */
export const FANOUT_POINTS = [1, 10, 100, 1000];
/** Deliveries a round aims at (messages times subscribers), so that every point takes about as long. */
const DELIVERIES = 2_000_000;

/** CPU microseconds of this process so far. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function round(lib: Lib, subscribers: number, messages: number, maxSeconds: number): Promise<Metrics> {
  const pub = await makeSocket(lib, "Publisher");
  let worker: Worker | undefined;
  try {
    const endpoint = await bindLoopback(pub);
    const started = await Worker.start("subs", { lib, endpoint, count: subscribers, size: SIZE }, 60_000);
    worker = started.worker;
    // Probe until every subscription has reached the publisher.
    await sendUntil(pub, Buffer.from("A?"), worker.next("probed", 60_000), 10);

    const body = Buffer.alloc(SIZE, 0x61);
    body[0] = 0x41;
    const cpuStart = cpuMicros();
    const start = process.hrtime.bigint();
    const done = worker.next("done", 120_000);
    const deadline = start + BigInt(Math.round(maxSeconds * 1e9));
    let sent = 0;
    while (sent < messages) {
      await pub.send(body);
      sent++;
      if ((sent & 255) === 0 && process.hrtime.bigint() > deadline) break;
    }
    // End markers until the worker has reported (a marker may be dropped too).
    const report = await sendUntil(pub, Buffer.from("A!"), done, 5);
    const seconds = secondsSince(start);
    const delivered = report.count as number;
    const cpu = cpuMicros() - cpuStart + (report.cpuMicros as number);
    return {
      rate: delivered / seconds,
      cpuNsPerMsg: delivered > 0 ? (cpu * 1000) / delivered : NaN,
      deliveredPct: (100 * delivered) / (sent * subscribers),
      sent,
      seconds,
    };
  } finally {
    pub.close();
    await worker?.stop();
  }
}

/** One case per point of the curve. */
export async function fanoutCases(messages: number, maxSeconds: number): Promise<BenchCase[]> {
  const built = await hasSockets("purezmq", "Publisher", "Subscriber");
  return FANOUT_POINTS.map((n) => {
    const perRound = Math.max(100, Math.min(messages, Math.floor(DELIVERIES / n)));
    return {
      id: `pub-fanout-${n}`,
      title: `PUB -> ${n.toLocaleString("en-US")} SUB fan-out, 100 B, all match`,
      metric: "rate",
      unit: "delivered msg/s (all subs)",
      higherIsBetter: true,
      skip: built ? undefined : "not built yet (purezmq exports no Publisher/Subscriber)",
      variants: [
        { side: "purezmq" as const, label: `purezmq Publisher -> ${n} Subscribers in one process`, round: () => round("purezmq", n, perRound, maxSeconds) },
        { side: "native" as const, label: `zeromq Publisher -> ${n} Subscribers in one process`, round: () => round("native", n, perRound, maxSeconds) },
      ],
      extras: [
        { key: "cpuNsPerMsg", label: "CPU ns per delivered msg (both processes)", digits: 0 },
        { key: "deliveredPct", label: "messages delivered (%)", digits: 1 },
        { key: "sent", label: "messages per round" },
      ],
      note: `subscribers in one worker process; ${perRound.toLocaleString("en-US")} messages or ${maxSeconds} s per round; default HWM (1000): PUB drops for a subscriber that falls behind`,
    };
  });
}
