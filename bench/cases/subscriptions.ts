/**
 * Subscriptions at scale: one publisher, one subscriber (each in its own
 * worker process), the subscriber subscribing 1,000, 10,000, 100,000 and
 * 1,000,000 distinct 7-octet topics. Reports what the publisher holds per
 * subscription (its RSS growth: the only figure a native process gives;
 * for purezmq the JS heap and buffers too), what the subscriber holds (it
 * keeps its topics to send again on reconnect), and the time per published
 * message with the topics in place, for a message matching one topic and
 * one matching none: a publisher whose matching does not depend on the
 * number of topics draws flat curves.
 *
 * Both ends of a variant are the same library (purezmq publisher and
 * subscriber, or zeromq's); {@link subscriptionsRound} takes the two
 * separately, to pair a purezmq publisher with a native subscriber.
 */
import { Worker } from "../lib/child.js";
import { bindLoopback, hasSockets, makeSocket, sendUntil, type BenchSocket, type Lib } from "../lib/sockets.js";
import type { WorkerMessage } from "../lib/child.js";
import type { BenchCase, Metrics } from "../lib/case.js";
import { median } from "../lib/stats.js";

/** Topic counts of the curve. */
export const SUBSCRIPTION_POINTS = [1_000, 10_000, 100_000, 1_000_000];
/** Messages timed per kind (matching one topic, matching none) at every point. */
const TIMED = 50_000;
/** Sends per timed batch. */
const BATCH = 2_500;
const SIZE = 100;
/** Subscribed first: once it matches, the subscriber is connected (memory is measured from there). */
const CONNECTED = Buffer.from("\xff~connected~", "latin1");
/** Subscribed last: once it matches, every topic before it has reached the publisher. */
const SUBSCRIBED = Buffer.from("\xff~subscribed~", "latin1");
/** The first octet of a subscription message (RFC 29). */
const SUBSCRIBE = Buffer.from([1]);

/**
 * Topic `i` of a round: 7 octets, the first four a bijection of `i` (so the
 * topics are distinct, and spread over the first octets as random ones
 * would be), the last three more of `i`.
 */
export function topicOf(i: number): Buffer {
  const topic = Buffer.allocUnsafe(7);
  topic.writeUInt32BE(Math.imul(i, 0x9e3779b1) >>> 0, 0);
  topic.writeUIntBE((i * 40503) & 0xffffff, 4, 3);
  return topic;
}

/** A message starting with `topic`, `SIZE` octets in all. */
function messageFor(topic: Buffer): Buffer {
  const body = Buffer.alloc(SIZE, 0x2e);
  topic.copy(body);
  return body;
}

/** Memory after full collections (the worker runs them when it can; see {@link collector}). */
interface Memory {
  rss: number;
  /** JS heap used plus ArrayBuffer backing stores. */
  js: number;
}

/**
 * A way to collect garbage in a worker forked without --expose-gc: V8 can
 * be told to expose it at run time, then the function is found in a fresh
 * context.
 */
async function collector(): Promise<() => void> {
  const v8 = await import("node:v8");
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

async function settledMemory(gc: () => void): Promise<Memory> {
  // A few collections apart: ArrayBuffer stores are released after the collection that finds them.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.arrayBuffers };
}

/**
 * From this many topics on, memory is also read once the process has been
 * idle for {@link STEADY_MS}: a long intake can grow V8's young generation
 * (up to some 30 MB when the tree itself made garbage that outlived
 * collections), and V8 gives it back on its own (its memory reducer, about
 * 8 s after the process goes quiet). What a process holding the topics
 * keeps is the second figure; the first is kept as an extra. Smaller
 * intakes skip the wait.
 */
const STEADY_FROM = 100_000;
const STEADY_MS = 12_000;

/** Memory after full collections, then again once idle for {@link STEADY_MS} when `count` calls for it. */
async function heldMemory(gc: () => void, count: number): Promise<{ atOnce: Memory; steady: Memory }> {
  const atOnce = await settledMemory(gc);
  if (count < STEADY_FROM) return { atOnce, steady: atOnce };
  await new Promise((r) => setTimeout(r, STEADY_MS));
  return { atOnce, steady: await settledMemory(gc) };
}

/** What a worker role gets from the worker process. */
export interface RoleContext {
  post(message: WorkerMessage): void;
  fromRunner(type: string): Promise<WorkerMessage>;
  track<T extends { close(): unknown }>(socket: T): T;
}

/**
 * Publisher worker: binds; on "probe" publishes the first probe until the
 * runner says "connected" (the subscriber is connected and has seen it),
 * measures its memory with the connection in place ("based"), publishes the
 * second probe until the runner says "probed" (every topic has arrived),
 * measures again, then times `TIMED` sends of a message matching one topic
 * and of one matching none.
 */
export async function subscriptionsPublisher(ctx: RoleContext, p: { lib: Lib; count: number }): Promise<void> {
  const gc = await collector();
  // purezmq bounds what a peer may make it hold; the benchmark asks for more than the defaults.
  const options = p.lib === "purezmq" ? { maxSubscriptionBytesPerPeer: -1, maxSubscriptionBytes: -1 } : {};
  const pub: BenchSocket = ctx.track(await makeSocket(p.lib, "Publisher", options));
  ctx.post({ type: "ready", endpoint: await bindLoopback(pub) });
  await ctx.fromRunner("probe");
  await sendUntil(pub, CONNECTED, ctx.fromRunner("connected"), 10);
  const base = await settledMemory(gc);
  ctx.post({ type: "based" });
  await sendUntil(pub, SUBSCRIBED, ctx.fromRunner("probed"), 10);
  const { atOnce, steady: held } = await heldMemory(gc, p.count);
  const hit = messageFor(topicOf(p.count >> 1));
  const miss = messageFor(topicOf(p.count + 1));
  const timeSends = async (body: Buffer, n: number): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await pub.send(body);
    return Number(process.hrtime.bigint() - start) / n;
  };
  await timeSends(miss, BATCH);
  await timeSends(hit, BATCH);
  // Batches of each kind in turn, and the median batch of each: a slice of
  // CPU taken by another process spoils a batch, not the figure.
  const missBatches: number[] = [];
  const hitBatches: number[] = [];
  for (let b = 0; b < TIMED / BATCH; b++) {
    missBatches.push(await timeSends(miss, BATCH));
    hitBatches.push(await timeSends(hit, BATCH));
  }
  ctx.post({ type: "done", rss: held.rss - base.rss, rssAtOnce: atOnce.rss - base.rss, js: held.js - base.js, hitNs: median(hitBatches), missNs: median(missBatches) });
}

/**
 * Subscriber worker: connects and subscribes the first probe; once it has
 * arrived, measures its memory and says "connected"; on "subscribe",
 * subscribes `count` topics then the second probe; once that one arrives,
 * says "probed" and then "memory" with what the topics cost. Keeps reading
 * (the matching messages of the timing) until stopped.
 */
export async function subscriptionsSubscriber(ctx: RoleContext, p: { lib: Lib; count: number; endpoint: string }): Promise<void> {
  const gc = await collector();
  // An XSubscriber, subscribing by sending, with no send high-water mark:
  // libzmq queues subscriptions as messages and drops those past the mark
  // (1,000) that the connection has not drained yet, and zeromq.js gives a
  // Subscriber no way to raise it. An awaited send waits instead. The
  // subscriber keeps its topics all the same (to send them again on
  // reconnect), in both libraries.
  const sub = ctx.track(await makeSocket(p.lib, "XSubscriber", { sendHighWaterMark: 0 }));
  const subscribe = (topic: Buffer): Promise<void> => sub.send(Buffer.concat([SUBSCRIBE, topic]));
  sub.connect(p.endpoint);
  await subscribe(CONNECTED);
  ctx.post({ type: "ready" });
  let base: Memory | undefined;
  let start = 0n;
  const subscribeAll = async (): Promise<void> => {
    await ctx.fromRunner("subscribe");
    start = process.hrtime.bigint();
    for (let i = 0; i < p.count; i++) await subscribe(topicOf(i));
    await subscribe(SUBSCRIBED);
  };
  let subscribing: Promise<void> | undefined;
  for await (const [body] of sub) {
    if (base === undefined && body?.equals(CONNECTED)) {
      base = await settledMemory(gc);
      ctx.post({ type: "connected" });
      subscribing = subscribeAll();
    } else if (subscribing !== undefined && body?.equals(SUBSCRIBED)) {
      await subscribing;
      subscribing = undefined;
      ctx.post({ type: "probed", seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      const { steady: held } = await heldMemory(gc, p.count);
      ctx.post({ type: "memory", rss: held.rss - base!.rss, js: held.js - base!.js });
    }
  }
}

/** One round: a `pubLib` publisher, a `subLib` subscriber, `count` topics. */
export async function subscriptionsRound(pubLib: Lib, subLib: Lib, count: number): Promise<Metrics> {
  const { worker: pubWorker, ready } = await Worker.start("subscriptions-pub", { lib: pubLib, count });
  let subWorker: Worker | undefined;
  try {
    const started = await Worker.start("subscriptions-sub", { lib: subLib, count, endpoint: ready.endpoint });
    subWorker = started.worker;
    pubWorker.send({ type: "probe" });
    await subWorker.next("connected");
    pubWorker.send({ type: "connected" });
    await pubWorker.next("based");
    subWorker.send({ type: "subscribe" });
    const probed = await subWorker.next("probed", 100_000);
    // Both ends measure at once (each may wait to be idle).
    pubWorker.send({ type: "probed" });
    const subMemory = await subWorker.next("memory", 60_000);
    const done = await pubWorker.next("done", 60_000);
    const per = (bytes: unknown): number => (bytes as number) / count;
    return {
      pubRssPerSub: per(done.rss),
      pubRssAtOncePerSub: per(done.rssAtOnce),
      pubJsPerSub: per(done.js),
      subRssPerSub: per(subMemory.rss),
      subJsPerSub: per(subMemory.js),
      hitNs: done.hitNs as number,
      missNs: done.missNs as number,
      subscribeSeconds: probed.seconds as number,
    };
  } finally {
    await subWorker?.stop();
    await pubWorker.stop();
  }
}

/** One case per point of the curve. */
export async function subscriptionsCases(): Promise<BenchCase[]> {
  const built = await hasSockets("purezmq", "Publisher", "Subscriber");
  return SUBSCRIPTION_POINTS.map((n) => ({
    id: `subscriptions-${n}`,
    title: `PUB holding ${n.toLocaleString("en-US")} subscriptions of 7 B`,
    metric: "pubRssPerSub",
    unit: "PUB RSS B per subscription",
    higherIsBetter: false,
    skip: built ? undefined : "not built yet (purezmq exports no Publisher/Subscriber)",
    variants: [
      { side: "purezmq" as const, label: `purezmq Subscriber subscribing ${n} topics -> purezmq Publisher`, round: () => subscriptionsRound("purezmq", "purezmq", n) },
      { side: "native" as const, label: `zeromq Subscriber subscribing ${n} topics -> zeromq Publisher`, round: () => subscriptionsRound("native", "native", n) },
    ],
    extras: [
      { key: "pubJsPerSub", label: "PUB JS heap + buffers B per subscription", digits: 1 },
      { key: "pubRssAtOncePerSub", label: "PUB RSS B per subscription as the intake ends", digits: 1 },
      { key: "subRssPerSub", label: "SUB RSS B per subscription", digits: 1 },
      { key: "subJsPerSub", label: "SUB JS heap + buffers B per subscription", digits: 1 },
      { key: "hitNs", label: "ns per published msg matching one topic", digits: 0 },
      { key: "missNs", label: "ns per published msg matching none", digits: 0 },
      { key: "subscribeSeconds", label: "s to subscribe all (until the probe matches)", digits: 2 },
    ],
    note: `publisher and subscriber in two worker processes, XSUB subscribing by awaited sends; memory after full collections, growth from the connected pair to the pair with every topic (RSS is all a native process shows), from ${STEADY_FROM.toLocaleString("en-US")} topics on read again after ${STEADY_MS / 1000} s idle (what the intake grew given back); ${TIMED.toLocaleString("en-US")} awaited sends of ${SIZE} B timed per kind, the median of batches of ${BATCH.toLocaleString("en-US")}`,
  }));
}
