/**
 * Cases 2 and 4: one-way throughput across two processes. The sender (this
 * process) uses `await sock.send(msg)` in a loop, the zeromq.js idiom, for
 * both libraries; the receiver is a worker that counts messages. The round
 * runs from the first message to the receiver's report of the end marker,
 * so what is measured is delivered messages, not queued ones. Each round
 * starts with untimed warm-up messages (see warmUpCount). The limit is
 * node:net carrying the same framed octets, written in 64 KiB batches.
 */
import net from "node:net";
import { once } from "node:events";
import { Worker } from "../lib/child.js";
import type { Mailbox } from "../lib/mailbox.js";
import { hasSockets, loadLib, makeSocket, type BenchSocket, type Lib, type SocketKind } from "../lib/sockets.js";
import { secondsSince } from "../lib/stats.js";
import type { BenchCase, Metrics } from "../lib/case.js";

/**
 * A round runs at least this long, past its message count if need be (the
 * same for every side): raw node:net moves a million 100-octet frames in
 * 0.04 to 0.3 s, and over rounds so short its rate was a third to a
 * quarter of what it sustains (purezmq's two thirds), so the ratios to it
 * measured how a round starts, not the rate.
 */
export const MIN_ROUND_SECONDS = 1;

/**
 * When a timed round that started at `start` should stop, asked with the
 * messages sent so far (it reads the clock): once `f.messages` are sent and
 * {@link MIN_ROUND_SECONDS} have passed, or past `f.maxSeconds` whatever
 * was sent.
 */
function roundEnd(f: Flow, start: bigint): (sent: number) => boolean {
  const long = start + BigInt(MIN_ROUND_SECONDS * 1e9);
  const deadline = start + BigInt(Math.round(f.maxSeconds * 1e9));
  return (sent) => {
    const now = process.hrtime.bigint();
    return now > deadline || (sent >= f.messages && now >= long);
  };
}

const WARM = Buffer.from("w");
const END = Buffer.from("e");

export interface Flow {
  sender: SocketKind;
  receiver: SocketKind;
  size: number;
  messages: number;
  maxSeconds: number;
  /** Run over CURVE: the receiver is the server, with keys made by the library under test. */
  curve?: boolean;
}

/** Socket options of a CURVE server and client, keys made by `lib`'s own curveKeyPair(). */
export async function curveOptions(lib: Lib): Promise<{ server: Record<string, unknown>; client: Record<string, unknown> }> {
  const m = await loadLib(lib);
  const keyPair = m.curveKeyPair as () => { publicKey: string; secretKey: string };
  const server = keyPair();
  const client = keyPair();
  return {
    server: { curveServer: true, curveSecretKey: server.secretKey },
    client: { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey },
  };
}

async function zmqRound(lib: Lib, f: Flow): Promise<Metrics> {
  const curve = f.curve ? await curveOptions(lib) : undefined;
  const { worker, ready } = await Worker.start("sink", { lib, kind: f.receiver, size: f.size, options: curve?.server ?? {} });
  const sock = await makeSocket(lib, f.sender, curve?.client);
  try {
    sock.connect(ready.endpoint as string);
    return await timedFlow(sock, worker, f);
  } finally {
    sock.close();
    await worker.stop();
  }
}

/** The receiving end of a timed flow: the "warm" and "done" reports of a counting sink (bench/worker.ts's sink role). */
export type FlowReceiver = Pick<Mailbox, "next">;

/**
 * One timed round of `sock` (connected) sending to a counting sink: waits
 * for the link, sends the untimed warm-up, then `f.messages` messages or
 * `f.maxSeconds` of them, and returns the rate the sink counted.
 */
export async function timedFlow(sock: BenchSocket, receiver: FlowReceiver, f: Flow): Promise<Metrics> {
  // Wait for the connection so that the handshake is not timed.
  await sock.send(WARM);
  await receiver.next("warm", 10_000);
  const body = Buffer.alloc(f.size, 0x61);
  // Untimed warm-up in the same loop, so that both ends run compiled code
  // when the clock starts (the same for every library); the receiver
  // starts counting again at the second marker.
  const warmUp = warmUpCount(f);
  for (let i = 0; i < warmUp; i++) await sock.send(body);
  await sock.send(WARM);
  await receiver.next("warm", 60_000);
  const start = process.hrtime.bigint();
  const stop = roundEnd(f, start);
  let sent = 0;
  for (;;) {
    await sock.send(body);
    sent++;
    // The clock is read every 256 messages, and at the count itself.
    if (((sent & 255) === 0 || sent === f.messages) && stop(sent)) break;
  }
  const sendSeconds = secondsSince(start);
  await sock.send(END);
  const done = await receiver.next("done", 120_000);
  const seconds = secondsSince(start);
  const count = done.count as number;
  if (count !== sent) throw new Error(`receiver counted ${count} of ${sent} messages`);
  return { rate: count / seconds, mbps: (count * f.size) / seconds / 1e6, sent, seconds, sendRate: sent / sendSeconds };
}

/** Warm-up messages before a timed round: a tenth of the round, at most 64 MiB of payload. */
export function warmUpCount(f: Flow): number {
  return Math.min(Math.floor(f.messages / 10), Math.floor((64 * 1024 * 1024) / f.size));
}

/** Octets of one ZMTP data frame carrying `size` octets. */
function frameLength(size: number): number {
  return (size > 255 ? 9 : 2) + size;
}

/**
 * Raw node:net carrying the same frames. With `perMessage`, its receiver
 * hands each body on as a Buffer through `for await` (the sink's `frame`
 * mode) instead of counting octets.
 */
async function netRound(f: Flow, perMessage = false): Promise<Metrics> {
  const frame = frameLength(f.size);
  // The same untimed warm-up as the libraries' rounds (timedFlow), so that
  // for every side the clock starts on a warm connection and warm code.
  const warmUp = warmUpCount(f);
  const { worker, ready } = await Worker.start("sink-net", { warmBytes: warmUp * frame, frame: perMessage ? frame : undefined, header: frame - f.size });
  const sock = net.connect(ready.port as number, "127.0.0.1");
  try {
    await once(sock, "connect");
    sock.setNoDelay(true);
    const perBatch = Math.max(1, Math.floor((64 * 1024) / frame));
    const batch = Buffer.alloc(perBatch * frame, 0x61);
    /**
     * Writes `frames` frames in batches or, with `stop`, batches until it
     * says so (asked after each). Returns how many went.
     */
    const write = async (frames: number, stop?: (sent: number) => boolean): Promise<number> => {
      let sent = 0;
      do {
        const n = sent < frames ? Math.min(perBatch, frames - sent) : perBatch;
        if (!sock.write(n === perBatch ? batch : batch.subarray(0, n * frame))) await once(sock, "drain");
        sent += n;
      } while (stop ? !stop(sent) : sent < frames);
      return sent;
    };
    if (warmUp > 0) {
      await write(warmUp);
      await worker.next("warm", 60_000);
    }
    const start = process.hrtime.bigint();
    const sent = await write(f.messages, roundEnd(f, start));
    sock.end();
    const done = await worker.next("done", 120_000);
    const seconds = secondsSince(start);
    const count = (done.bytes as number) / frame;
    return { rate: count / seconds, mbps: (count * f.size) / seconds / 1e6, sent, seconds };
  } finally {
    sock.destroy();
    await worker.stop();
  }
}

/**
 * node:net's round of a case counted in messages: the raw octets, then the
 * same frames with each body handed on as a Buffer through `for await`
 * (`perMessageRate`): what no receiver that gives each message to the
 * application that way can pass, whatever its protocol.
 */
async function netRounds(f: Flow): Promise<Metrics> {
  const raw = await netRound(f);
  return { ...raw, perMessageRate: (await netRound(f, true)).rate! };
}

/** The lines a flow case prints under its figure: the other rate, and the messages of a round. */
export function flowExtras(unit: "msg/s" | "MB/s"): BenchCase["extras"] {
  return unit === "msg/s"
    ? [
        { key: "mbps", label: "payload MB/s", digits: 1 },
        { key: "sent", label: "messages per round" },
      ]
    : [
        { key: "rate", label: "messages/s", digits: 0 },
        { key: "sent", label: "messages per round" },
      ];
}

export function flowCase(id: string, title: string, f: Flow, unit: "msg/s" | "MB/s", skip: string | undefined): BenchCase {
  const names = `${f.sender} -> ${f.receiver}`;
  const perMessage = !f.curve && unit === "msg/s";
  return {
    id,
    title,
    metric: unit === "msg/s" ? "rate" : "mbps",
    unit,
    higherIsBetter: true,
    skip,
    variants: [
      { side: "purezmq", label: `purezmq ${names}, awaited send()`, round: () => zmqRound("purezmq", f) },
      { side: "native", label: `zeromq ${names}, awaited send()`, round: () => zmqRound("native", f) },
      // Over CURVE the octets on the wire differ; no raw node:net figure stands for them.
      ...(f.curve ? [] : [{ side: "net" as const, label: `node:net, ${frameLength(f.size)}-octet frames in 64 KiB writes`, round: () => (perMessage ? netRounds(f) : netRound(f)) }]),
    ],
    extras: perMessage ? [...flowExtras(unit)!, { key: "perMessageRate", label: "node:net, each body a Buffer through for await, msg/s" }] : flowExtras(unit),
    note: `receiver in a worker process (2 cores shared); ${f.messages.toLocaleString("en-US")} messages and ${MIN_ROUND_SECONDS} s per round at least, ${f.maxSeconds} s at most, after ${warmUpCount(f).toLocaleString("en-US")} untimed warm-up messages`,
  };
}

export function dealerRouterCase(messages: number, maxSeconds: number): BenchCase {
  const c = flowCase("dealer-router", "DEALER -> ROUTER throughput, 100 B", { sender: "Dealer", receiver: "Router", size: 100, messages, maxSeconds }, "msg/s", undefined);
  c.target = { ratio: 10, absolute: 1_000_000 };
  return c;
}

export async function pushPullCase(messages: number, maxSeconds: number): Promise<BenchCase> {
  const built = await hasSockets("purezmq", "Push", "Pull");
  const c = flowCase("push-pull", "PUSH -> PULL throughput, 100 B", { sender: "Push", receiver: "Pull", size: 100, messages, maxSeconds }, "msg/s", built ? undefined : "not built yet (purezmq exports no Push/Pull)");
  c.target = { ratio: 10, absolute: 1_000_000 };
  return c;
}

export function largeCase(messages: number, maxSeconds: number): BenchCase {
  return flowCase("large", "DEALER -> ROUTER, 1 MiB messages", { sender: "Dealer", receiver: "Router", size: 1024 * 1024, messages, maxSeconds }, "MB/s", undefined);
}
