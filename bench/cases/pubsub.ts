/**
 * Case 3: PUB -> SUB fan-out to 4 subscriber processes. Messages are one
 * 100-octet frame starting with "A" or "B" in turn; subscribers subscribe
 * to "A", so half of them match. The publisher uses awaited send() like
 * the other cases; PUB never blocks, it drops for a subscriber over its
 * high-water mark (1000, the default of both libraries), so the figures
 * are what reached the subscribers, with the share delivered.
 */
import { Worker } from "../lib/child.js";
import { bindLoopback, hasSockets, makeSocket, sendUntil, type Lib } from "../lib/sockets.js";
import { secondsSince } from "../lib/stats.js";
import type { BenchCase, Metrics } from "../lib/case.js";

const SIZE = 100;
const SUBSCRIBERS = 4;

async function round(lib: Lib, messages: number, maxSeconds: number): Promise<Metrics> {
  const pub = await makeSocket(lib, "Publisher");
  const workers: Worker[] = [];
  try {
    const endpoint = await bindLoopback(pub);
    const started = await Promise.all(
      Array.from({ length: SUBSCRIBERS }, () => Worker.start("sub", { lib, endpoint, topic: "A", size: SIZE })),
    );
    workers.push(...started.map((s) => s.worker));
    // Probe until every subscription has reached the publisher.
    await sendUntil(pub, Buffer.from("A?"), Promise.all(workers.map((w) => w.next("probed", 15_000))), 10);

    const a = Buffer.alloc(SIZE, 0x61);
    a[0] = 0x41;
    const b = Buffer.alloc(SIZE, 0x62);
    b[0] = 0x42;
    const start = process.hrtime.bigint();
    const done = workers.map((w) => w.next("done", 120_000).then((m) => ({ count: m.count as number, at: secondsSince(start) })));
    const deadline = start + BigInt(Math.round(maxSeconds * 1e9));
    let sent = 0;
    while (sent < messages) {
      await pub.send((sent & 1) === 0 ? a : b);
      sent++;
      if ((sent & 255) === 0 && process.hrtime.bigint() > deadline) break;
    }
    const sendSeconds = secondsSince(start);
    // End markers until every subscriber has reported (a marker may be dropped too).
    const subs = await sendUntil(pub, Buffer.from("A!"), Promise.all(done), 5);
    const seconds = Math.max(...subs.map((s) => s.at));
    const delivered = subs.reduce((n, s) => n + s.count, 0);
    const matching = Math.ceil(sent / 2);
    return {
      rate: delivered / seconds,
      perSub: delivered / SUBSCRIBERS / seconds,
      deliveredPct: (100 * delivered) / (matching * SUBSCRIBERS),
      sendRate: sent / sendSeconds,
      sent,
      seconds,
    };
  } finally {
    pub.close();
    await Promise.all(workers.map((w) => w.stop()));
  }
}

export async function pubSubCase(messages: number, maxSeconds: number): Promise<BenchCase> {
  const built = await hasSockets("purezmq", "Publisher", "Subscriber");
  return {
    id: "pub-sub",
    title: "PUB -> 4 SUB fan-out, 100 B, half match",
    metric: "rate",
    unit: "delivered msg/s (all subs)",
    higherIsBetter: true,
    skip: built ? undefined : "not built yet (purezmq exports no Publisher/Subscriber)",
    variants: [
      { side: "purezmq", label: "purezmq Publisher -> 4 Subscriber processes", round: () => round("purezmq", messages, maxSeconds) },
      { side: "native", label: "zeromq Publisher -> 4 Subscriber processes", round: () => round("native", messages, maxSeconds) },
    ],
    extras: [
      { key: "deliveredPct", label: "matching messages delivered (%)", digits: 1 },
      { key: "sendRate", label: "publisher send() calls/s" },
      { key: "perSub", label: "delivered msg/s per subscriber" },
    ],
    note: `5 processes on 2 cores; ${messages.toLocaleString("en-US")} messages or ${maxSeconds} s per round; default HWM (1000): PUB drops for a subscriber that falls behind`,
  };
}
