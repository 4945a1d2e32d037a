/**
 * inproc:// PUSH -> PULL, purezmq against native inproc (libzmq through
 * zeromq.js), with the methodology of the throughput cases (awaited
 * send(), untimed warm-up, N messages or T seconds, delivered messages
 * counted by the receiver; see timedFlow in throughput.ts):
 *
 * - `inproc-thread`: 100 B, both sockets in the runner's main thread;
 * - `inproc-workers`: 100 B, PUSH in the main thread, PULL in a
 *   worker_thread of the same process (purezmq's default context and
 *   zeromq.js's both reach across worker threads);
 * - `inproc-large`: 1 MiB in one thread, in MB/s (purezmq hands the
 *   Buffer over by reference, no copy).
 *
 * There is no node:net figure: nothing crosses a socket. This module is
 * also the worker_thread's entry: loaded in a worker with {@link ROLE} in
 * its workerData, it runs the counting PULL end.
 */
import { randomBytes } from "node:crypto";
import { isMainThread, parentPort, workerData, Worker as Thread } from "node:worker_threads";
import { countInto } from "../lib/count-sink.js";
import { Mailbox, type WorkerMessage } from "../lib/mailbox.js";
import { hasSockets, makeSocket, type BenchSocket, type Lib } from "../lib/sockets.js";
import type { BenchCase, Metrics } from "../lib/case.js";
import { MIN_ROUND_SECONDS, flowExtras, timedFlow, warmUpCount, type Flow } from "./throughput.js";

/** workerData key that makes this module a counting sink thread. */
const ROLE = "purezmqBenchInprocSink";
/**
 * Messages per round of the 1 MiB case at most: handed over without a copy,
 * they go by at tens of thousands a second, so the cross-process 1 MiB
 * case's 2,000 would time a few milliseconds.
 */
const LARGE_MESSAGES = 50_000;
/** How long a sink thread may take to exit once asked before it is terminated. */
const THREAD_EXIT_MS = 2000;

interface SinkParams {
  lib: Lib;
  address: string;
  size: number;
}

/** A fresh inproc name per round, so no round meets a previous one's socket. */
function freshAddress(): string {
  return `inproc://bench-${randomBytes(6).toString("hex")}`;
}

/** Both ends in this thread. */
async function sameThreadRound(lib: Lib, f: Flow): Promise<Metrics> {
  const address = freshAddress();
  const inbox = new Mailbox("inproc sink");
  const pull = await makeSocket(lib, "Pull");
  const push = await makeSocket(lib, "Push");
  try {
    await pull.bind(address);
    // Ends (or fails) with the socket; a failure before that fails the round.
    void countInto(pull, f.size, inbox.post).catch((err: Error) => inbox.fail(err));
    push.connect(address);
    return await timedFlow(push, inbox, f);
  } finally {
    push.close();
    pull.close();
  }
}

/** PUSH here, the counting PULL in a worker_thread of this process. */
async function crossThreadRound(lib: Lib, f: Flow): Promise<Metrics> {
  const address = freshAddress();
  const inbox = new Mailbox("inproc sink thread");
  const params: SinkParams = { lib, address, size: f.size };
  const thread = new Thread(new URL(import.meta.url), { workerData: { [ROLE]: params } });
  const exited = new Promise<void>((resolve) =>
    thread.once("exit", (code) => {
      inbox.fail(new Error(`inproc sink thread exited (${code})`));
      resolve();
    }),
  );
  thread.on("message", (m: WorkerMessage) => (m.type === "error" ? inbox.fail(new Error(`inproc sink thread: ${String(m.message)}`)) : inbox.post(m)));
  thread.on("error", (err) => inbox.fail(err));
  const push = await makeSocket(lib, "Push");
  try {
    await inbox.next("ready", 20_000);
    push.connect(address);
    return await timedFlow(push, inbox, f);
  } finally {
    push.close();
    thread.postMessage("stop");
    const timer = setTimeout(() => void thread.terminate(), THREAD_EXIT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** The worker_thread side: binds the PULL, counts until told to stop. */
async function sinkThread(p: SinkParams): Promise<void> {
  const port = parentPort!;
  const pull = await makeSocket(p.lib, "Pull");
  await pull.bind(p.address);
  port.once("message", () => {
    pull.close();
    // The port would keep this thread alive; closing the socket and the port lets it end.
    port.close();
  });
  port.postMessage({ type: "ready" });
  try {
    await countInto(pull, p.size, (m) => port.postMessage(m));
  } catch {
    // The iteration may end in an error when the socket closes under it: the round is over then.
  }
}

function inprocCase(id: string, title: string, f: Flow, unit: "msg/s" | "MB/s", round: (lib: Lib, f: Flow) => Promise<Metrics>, where: string, skip: string | undefined): BenchCase {
  return {
    id,
    title,
    metric: unit === "msg/s" ? "rate" : "mbps",
    unit,
    higherIsBetter: true,
    skip,
    variants: [
      { side: "purezmq", label: `purezmq Push -> Pull over inproc, ${where}, awaited send()`, round: () => round("purezmq", f) },
      { side: "native", label: `zeromq Push -> Pull over inproc, ${where}, awaited send()`, round: () => round("native", f) },
    ],
    extras: flowExtras(unit),
    note: `${where}; ${f.messages.toLocaleString("en-US")} messages and ${MIN_ROUND_SECONDS} s per round at least, ${f.maxSeconds} s at most, after ${warmUpCount(f).toLocaleString("en-US")} untimed warm-up messages; no node:net figure (nothing crosses a socket)`,
  };
}

/** The three inproc cases, `messages` (at most {@link LARGE_MESSAGES} of 1 MiB) or `maxSeconds` per round. */
export async function inprocCases(messages: number, maxSeconds: number): Promise<BenchCase[]> {
  const built = await hasSockets("purezmq", "Push", "Pull");
  const skip = built ? undefined : "not built yet (purezmq exports no Push/Pull)";
  const small = (): Flow => ({ sender: "Push", receiver: "Pull", size: 100, messages, maxSeconds });
  // The worker-thread case last: after a worker thread has used zeromq.js,
  // its 1 MiB figure in the main thread fell to a tenth here (5,855 against
  // 51,089 MB/s), which would charge the in-thread cases with it.
  return [
    inprocCase("inproc-thread", "inproc PUSH -> PULL, 100 B, one thread", small(), "msg/s", sameThreadRound, "both sockets in one thread", skip),
    inprocCase("inproc-large", "inproc PUSH -> PULL, 1 MiB, one thread", { ...small(), size: 1024 * 1024, messages: Math.min(messages, LARGE_MESSAGES) }, "MB/s", sameThreadRound, "both sockets in one thread", skip),
    inprocCase("inproc-workers", "inproc PUSH -> PULL across worker threads, 100 B", small(), "msg/s", crossThreadRound, "PULL in a worker_thread of the sending process", skip),
  ];
}

/** Case ids, and the family name that selects them all. */
export const INPROC_IDS = ["inproc-thread", "inproc-large", "inproc-workers"];

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[ROLE]) {
  void sinkThread((workerData as Record<string, SinkParams>)[ROLE]!).catch((err: Error) => parentPort?.postMessage({ type: "error", message: err.message }));
}
