/**
 * Attacks on the ZMTP socket layer, as one hostile peer would make them:
 * every length, count and nesting a peer chooses (topics, parts, commands,
 * identities, metadata, PINGs, idle connections). Each attack has two
 * sizes: `small` for `test/hostile/` (seconds, yet past what the old code
 * survived at that size) and `full` for `npm run fuzz -- --only attacks`
 * (the figures of the report). The attacked server runs in a child process
 * (`zmtp-target.ts`); the attacker here speaks raw octets over loopback.
 *
 * What a run yields: whether the process survived, whether a good client
 * was served afterwards, memory (baseline, peak, after a GC), time, and
 * the events the server reported.
 */
import * as net from "node:net";
import { once } from "node:events";
import { RawPeer, command, frame, greetingBytes, ready } from "../../test/zmtp/raw/raw-peer.js";
import { Target } from "./zmtp-target.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** One attack: its rig, the server options, and what it does at each size. */
export interface Attack<P = Record<string, number>> {
  name: string;
  /** What the attacker does, in a line. */
  summary: string;
  rig: string;
  /** Socket options of the attacked server, at each size. */
  options(p: P): Record<string, unknown>;
  sizes: { small: P; full: P };
  /** Growth (MB) of live heap + buffers (measured after a collection) the server may show at `p`, above its baseline. */
  ceilingMb(p: P): number;
  /** An event the server must report (`type code`), when the bound is what stops the attack. */
  expectEvent?: string;
  /** Heap cap (MB) of the server process at full size, as a deployment would set it. */
  heapMb?: number;
  /**
   * Plays the attack; returns what happened, for the report. Connections
   * given to `keep` stay open until the server has been checked, so that
   * what they make it hold is measured.
   */
  run(target: Target, p: P, keep: Keep): Promise<string>;
}

/** What one run found. */
export interface AttackResult {
  attack: string;
  size: "small" | "full";
  /** The server process did not die. */
  survived: boolean;
  /** A good client was served after the attack (and the rig saw no error). */
  served: boolean;
  why?: string;
  baselineHeldMb: number;
  /** Peak of heap + buffers in raw samples (garbage included), for the report. */
  peakHeldMb: number;
  /** Peak of heap + buffers right after a full collection: what the ceiling applies to. */
  peakLiveMb: number;
  peakRssMb: number;
  heldAfterGcMb: number;
  ms: number;
  events: Record<string, number>;
  note: string;
}

// ---- the attacker's tools

/** Keeps an attacker's connection open until the measurement is done. */
type Keep = (connection: { destroy(): void }) => void;

/** A raw connection that has sent a greeting and READY as `type`, and read the server's. */
async function peer(keep: Keep, endpoint: string, type: string, extra: ReadonlyArray<readonly [string, Buffer | string]> = []): Promise<RawPeer> {
  const p = await RawPeer.connect(endpoint);
  keep(p);
  await p.handshake(type, extra);
  return p;
}

let barriers = 0;

/**
 * Resolves once the server has processed everything sent before: a PING
 * goes after it, and its PONG comes back in order. Rejects when the server
 * closes the connection first.
 */
async function barrier(p: RawPeer): Promise<void> {
  const context = Buffer.from(`b${++barriers}`);
  const ping = Buffer.concat([Buffer.from([0, 0]), context]);
  p.write(command("PING", ping));
  for (;;) {
    const f = await p.readFrame();
    if ((f.flags & 0x04) !== 0 && f.body.toString("latin1", 1, 5) === "PONG" && f.body.subarray(5).equals(context)) return;
  }
}

/** How writing ended: octets written, and whether the server closed or merely stopped reading. */
interface Pumped {
  written: number;
  closed: boolean;
}

/**
 * Writes `chunk` over and over until `total` octets are written, the
 * server closes the connection, or writes stall for `stallMs` (the server
 * stopped reading: TCP pushes back; at full size a server that is only
 * slow, collecting garbage near its heap limit, gets ten seconds).
 */
async function pump(sock: net.Socket, chunk: Buffer, total: number, stallMs = 1000): Promise<Pumped> {
  let written = 0;
  let closed = sock.destroyed;
  let wake: ((drained: boolean) => void) | undefined;
  const onDrain = (): void => wake?.(true);
  const onClose = (): void => {
    closed = true;
    wake?.(false);
  };
  sock.on("drain", onDrain);
  sock.once("close", onClose);
  try {
    while (written < total && !closed) {
      const piece = total - written >= chunk.length ? chunk : chunk.subarray(0, total - written);
      written += piece.length;
      if (sock.write(piece)) continue;
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), stallMs);
        wake = (d) => {
          clearTimeout(timer);
          resolve(d);
        };
      });
      wake = undefined;
      if (!drained) break;
    }
  } finally {
    sock.off("drain", onDrain);
    sock.off("close", onClose);
  }
  return { written, closed };
}

/** Waits until the server has closed `p`, or `ms` passed; true when closed. */
async function closedWithin(p: RawPeer, ms: number): Promise<boolean> {
  return p.waitClosed(ms).then(() => true, () => false);
}

/** A frame header for a body of `size` octets (long form), without the body. */
function longHeader(flags: number, size: number): Buffer {
  const h = Buffer.alloc(9);
  h[0] = flags | 0x02;
  h.writeBigUInt64BE(BigInt(size), 1);
  return h;
}

/** SUBSCRIBE (or CANCEL) of `topic`, always in the long form so that any length fits. */
function subscribe(topic: Buffer, cancel = false): Buffer {
  return command(cancel ? "CANCEL" : "SUBSCRIBE", topic, topic.length > 200);
}

const count = (oks: boolean[]): number => oks.filter(Boolean).length;
const mb = (n: number): string => `${(n / MiB).toFixed(n >= MiB ? 0 : 2)} MiB`;

// ---- the attacks

const proxyLongTopic = (rig: string): Attack => ({
  name: rig === "proxy" ? "proxy-long-topic" : "proxy-long-topic-libzmq",
  summary: "a subscriber sends one long topic through an XSUB/XPUB Proxy; then the upstream publisher restarts and the proxy re-sends it",
  rig,
  options: () => ({}),
  sizes: { small: { topic: 8 * KiB }, full: { topic: 100 * KiB } },
  ceilingMb: (p) => 16 + (4 * p.topic!) / MiB,
  async run(target, p, keep) {
    const sub = await peer(keep, target.endpoints.server!, "SUB");
    sub.write(subscribe(Buffer.alloc(p.topic!, 0x61)));
    // The topic travels XPUB -> proxy -> XSUB -> upstream: give it a moment,
    // then restart the upstream so that XSUB re-sends its whole set.
    await new Promise((r) => setTimeout(r, 300));
    await target.action("restart");
    return `topic of ${p.topic! / KiB} KiB, publisher restarted`;
  },
});

const hugeTopic: Attack = {
  name: "huge-topic",
  summary: "one subscription with a huge topic (maxMessageSize set to let it through)",
  rig: "pub",
  options: (p) => ({ maxMessageSize: p.topic! + 64 }),
  sizes: { small: { topic: 512 * KiB }, full: { topic: 4 * MiB } },
  ceilingMb: (p) => 16 + (4 * p.topic!) / MiB,
  async run(target, p, keep) {
    const sub = await peer(keep, target.endpoints.server!, "SUB");
    sub.write(subscribe(Buffer.alloc(p.topic!, 0x62)));
    await barrier(sub);
    return `one topic of ${mb(p.topic!)} held`;
  },
};

const manyBigTopics: Attack = {
  name: "many-big-topics",
  summary: "one connection subscribes many large distinct topics",
  rig: "pub",
  options: (p) => ({ maxMessageSize: p.topic! + 64, ...(p.perPeer ? { maxSubscriptionBytesPerPeer: p.perPeer } : {}) }),
  sizes: { small: { topic: 64 * KiB, count: 40, perPeer: 256 * KiB }, full: { topic: 1 * MiB, count: 23, perPeer: 0 } },
  ceilingMb: (p) => 16 + (3 * (p.perPeer || 16 * MiB)) / MiB,
  expectEvent: "disconnect ENOBUFS",
  async run(target, p, keep) {
    const sub = await peer(keep, target.endpoints.server!, "SUB");
    let sent = 0;
    try {
      for (; sent < p.count!; sent++) {
        const topic = Buffer.alloc(p.topic!, 0x63);
        topic.writeUInt32BE(sent, 0);
        sub.write(subscribe(topic));
        await barrier(sub);
      }
      return `${sent} topics of ${mb(p.topic!)} accepted`;
    } catch {
      return `closed by the server after ${sent} topics of ${mb(p.topic!)}`;
    }
  },
};

/** Many short distinct topics on one connection, written in batches. */
async function topicFlood(target: Target, keep: Keep, count: number, cancel: boolean): Promise<string> {
  const sub = await peer(keep, target.endpoints.server!, "SUB");
  const batch: Buffer[] = [];
  let sent = 0;
  try {
    for (; sent < count; sent++) {
      const topic = Buffer.alloc(7);
      topic.writeUInt32BE(Math.imul(sent, 2654435761) >>> 0, 0);
      topic.writeUIntBE(sent & 0xffffff, 4, 3);
      batch.push(subscribe(topic, cancel));
      if (batch.length === 10_000) {
        sub.write(Buffer.concat(batch.splice(0)));
        await barrier(sub);
      }
    }
    sub.write(Buffer.concat(batch.splice(0)));
    await barrier(sub);
    return `${sent} ${cancel ? "CANCELs of unknown" : "distinct"} 7-octet topics sent and processed`;
  } catch {
    return `closed by the server within ${sent} topics`;
  }
}

const millionTopics: Attack = {
  name: "million-topics",
  summary: "one connection subscribes a flood of distinct 7-octet topics (default subscription bounds)",
  rig: "pub",
  options: (p) => (p.perPeer ? { maxSubscriptionBytesPerPeer: p.perPeer } : {}),
  sizes: { small: { count: 40_000, perPeer: 1 * MiB }, full: { count: 1_000_000, perPeer: 0 } },
  ceilingMb: (p) => 16 + (3 * (p.perPeer || 16 * MiB)) / MiB,
  expectEvent: "disconnect ENOBUFS",
  run: (target, p, keep) => topicFlood(target, keep, p.count!, false),
};

const millionTopicsUnbounded: Attack = {
  name: "million-topics-unbounded",
  summary: "the same flood with the subscription bounds off: what the tree itself costs per topic",
  rig: "pub",
  options: () => ({ maxSubscriptionBytesPerPeer: -1, maxSubscriptionBytes: -1 }),
  sizes: { small: { count: 100_000 }, full: { count: 1_000_000 } },
  ceilingMb: (p) => 16 + (p.count! * 400) / MiB,
  run: (target, p, keep) => topicFlood(target, keep, p.count!, false),
};

const cancelUnknown: Attack = {
  name: "cancel-unknown",
  summary: "CANCELs of topics never subscribed, to an XPUB whose application reads them",
  rig: "xpub",
  options: () => ({}),
  sizes: { small: { count: 50_000 }, full: { count: 1_000_000 } },
  ceilingMb: () => 16,
  run: (target, p, keep) => topicFlood(target, keep, p.count!, true),
};

const subscriptionTotal: Attack = {
  name: "subscription-total",
  summary: "several connections each under the per-peer bound, together over the total",
  rig: "pub",
  options: (p) => ({ maxMessageSize: p.topic! + 64, maxSubscriptionBytesPerPeer: p.perPeer, maxSubscriptionBytes: p.total }),
  sizes: {
    small: { peers: 6, topic: 200 * KiB, perPeer: 256 * KiB, total: 700 * KiB },
    full: { peers: 300, topic: 1 * MiB, perPeer: 16 * MiB, total: 256 * MiB },
  },
  ceilingMb: (p) => 16 + (3 * p.total!) / MiB,
  expectEvent: "disconnect ENOBUFS",
  async run(target, p, keep) {
    const subs: RawPeer[] = [];
    let held = 0;
    for (let i = 0; i < p.peers!; i++) {
      const sub = await peer(keep, target.endpoints.server!, "SUB");
      subs.push(sub);
      sub.write(subscribe(Buffer.alloc(p.topic!, 0x30 + (i % 64))));
      held += await barrier(sub).then(() => 1, () => 0);
    }
    const stillServed = count(await Promise.all(subs.map((s) => barrier(s).then(() => true, () => false))));
    return `${held} of ${p.peers} subscribers held a ${mb(p.topic!)} topic; ${stillServed} still connected at the end`;
  },
};

const emptyParts: Attack = {
  name: "empty-parts",
  summary: "a message of MORE-flagged empty frames that never ends",
  rig: "pull",
  options: () => ({}),
  sizes: { small: { parts: 600_000, stallMs: 1000 }, full: { parts: 43_000_000, stallMs: 10_000 } },
  ceilingMb: () => 16,
  expectEvent: "disconnect EMSGSIZE",
  async run(target, p, keep) {
    const attacker = await peer(keep, target.endpoints.server!, "PUSH");
    const chunk = Buffer.alloc(64 * KiB);
    for (let i = 0; i < chunk.length; i += 2) chunk[i] = 0x01;
    const r = await pump(attacker.sock, chunk, p.parts! * 2, p.stallMs);
    if (!r.closed) await closedWithin(attacker, 1000);
    return `${r.written / 2} empty parts written (${mb(r.written)}); ${attacker.isClosed ? "closed by the server" : "still open"}`;
  },
};

const longMessage: Attack = {
  name: "long-message",
  summary: "frames each under maxMessageSize, MORE on every one: a message without end",
  rig: "pull",
  options: (p) => ({ maxMessageSize: p.limit }),
  sizes: { small: { limit: 64 * KiB, total: 48 * MiB, stallMs: 1000 }, full: { limit: 64 * KiB, total: 1024 * MiB, stallMs: 10_000 } },
  ceilingMb: (p) => 16 + (4 * p.limit!) / MiB,
  expectEvent: "disconnect EMSGSIZE",
  async run(target, p, keep) {
    const attacker = await peer(keep, target.endpoints.server!, "PUSH");
    const frameBody = p.limit! - 4 * KiB;
    const one = Buffer.concat([longHeader(0x01, frameBody), Buffer.alloc(frameBody)]);
    const r = await pump(attacker.sock, Buffer.concat(Array.from({ length: 8 }, () => one)), p.total!, p.stallMs);
    if (!r.closed) await closedWithin(attacker, 1000);
    return `${mb(r.written)} written as ${mb(frameBody)} frames; ${attacker.isClosed ? "closed by the server" : "still open"}`;
  },
};

/** A raw PUSH peer that has sent its greeting and READY and never reads: what the server writes stays with the server. */
async function deafPeer(target: Target, keep: Keep): Promise<net.Socket> {
  const sock = net.connect(Number(new URL(target.endpoints.server!).port), "127.0.0.1");
  await once(sock, "connect");
  sock.on("error", () => undefined);
  sock.pause();
  sock.write(Buffer.concat([greetingBytes(), ready([["Socket-Type", "PUSH"]])]));
  keep(sock);
  return sock;
}

/** 7,000 PINGs, each owing the sender a PONG. */
const PINGS = Buffer.concat(Array.from({ length: 7000 }, () => command("PING", Buffer.from([0, 0]))));

const pings: Attack = {
  name: "pings",
  summary: "PINGs without end from a peer that never reads its PONGs",
  rig: "pull",
  options: () => ({}),
  sizes: { small: { total: 32 * MiB, stallMs: 1000 }, full: { total: 477 * MiB, stallMs: 10_000 } },
  ceilingMb: () => 8,
  async run(target, p, keep) {
    const sock = await deafPeer(target, keep);
    const r = await pump(sock, PINGS, p.total!, p.stallMs);
    return `${mb(r.written)} of PINGs written before ${r.written >= p.total! ? "the end" : "the server stopped reading"}`;
  },
};

const unreadThenEnded: Attack = {
  name: "unread-then-ended",
  summary: "peers, one after another, send PINGs and never read the PONGs until the server stops reading, and its idleTimeout ends them",
  rig: "pull",
  options: () => ({ idleTimeout: 300 }),
  sizes: { small: { peers: 3 }, full: { peers: 40 } },
  ceilingMb: () => 8,
  expectEvent: "disconnect ETIMEDOUT",
  async run(target, p, keep) {
    // Once ended, a connection must go even though its last writes are
    // never read: otherwise each peer leaves a descriptor and its unsent
    // PONGs behind, past maxConnections, which counts live connections only.
    let gone = 0;
    for (let i = 0; i < p.peers!; i++) {
      const sock = await deafPeer(target, keep);
      const closed = new Promise<boolean>((r) => sock.once("close", () => r(true)));
      await pump(sock, PINGS, 64 * MiB, 1000);
      if (await Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 4000).unref())])) gone++;
    }
    return `${gone} of ${p.peers} deaf connections closed by the server`;
  },
};

const pinnedChunks: Attack = {
  name: "pinned-chunks",
  summary: "one-octet messages, each followed by a 60 KiB unknown command, until the unread queue is full",
  rig: "pull",
  options: () => ({}),
  sizes: { small: { peers: 1, stallMs: 1000 }, full: { peers: 20, stallMs: 10_000 } },
  // 1,000 queued messages (the receive high-water mark) per peer: views
  // of their reads would hold 60 MB each; copies hold a few octets.
  ceilingMb: (p) => 8 + p.peers! * 2,
  async run(target, p, keep) {
    const round = Buffer.concat([frame("x"), command("XPAD", Buffer.alloc(60 * KiB), true)]);
    const rounds = Buffer.concat(Array.from({ length: 16 }, () => round));
    let written = 0;
    await Promise.all(Array.from({ length: p.peers! }, async () => {
      const attacker = await peer(keep, target.endpoints.server!, "PUSH");
      // The server stops reading once the queue is full; TCP then pushes back.
      written += (await pump(attacker.sock, rounds, 1500 * round.length, p.stallMs)).written;
    }));
    return `${Math.floor(written / round.length)} messages sent by ${p.peers} peer(s), each in a read of its own command`;
  },
};

const bigCommand: Attack = {
  name: "big-command",
  summary: "an unknown command of a huge declared size, its body sent in full",
  rig: "pull",
  options: () => ({}),
  sizes: { small: { size: 64 * MiB, stallMs: 1000 }, full: { size: 1024 * MiB, stallMs: 10_000 } },
  ceilingMb: () => 16,
  expectEvent: "disconnect EMSGSIZE",
  async run(target, p, keep) {
    const attacker = await peer(keep, target.endpoints.server!, "PUSH");
    attacker.write(Buffer.concat([longHeader(0x04, p.size!), Buffer.from([1, 0x58])]));
    const r = await pump(attacker.sock, Buffer.alloc(256 * KiB), p.size! - 2, p.stallMs);
    if (!r.closed) await closedWithin(attacker, 1000);
    return `${mb(r.written)} of a ${mb(p.size!)} command written; ${attacker.isClosed ? "closed by the server" : "still open"}`;
  },
};

const announcedBodies: Attack = {
  name: "announced-bodies",
  summary: "many connections each announce a 16 MiB message and send only its first 100 KiB, then wait",
  rig: "pull",
  options: () => ({}),
  sizes: { small: { peers: 24 }, full: { peers: 1000 } },
  // A body is allocated whole, before its octets arrive, only within the
  // thread's budget of such bodies (64 MiB); the others gather what arrives.
  ceilingMb: (p) => 16 + 64 + (p.peers! * 256 * KiB) / MiB,
  async run(target, p, keep) {
    const first = Buffer.concat([longHeader(0x00, 16 * MiB), Buffer.alloc(100 * KiB)]);
    let open = 0;
    for (let i = 0; i < p.peers!; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, p.peers! - i) }, async () => {
        const attacker = await peer(keep, target.endpoints.server!, "PUSH");
        attacker.write(first);
        return attacker;
      }));
      open += batch.length;
    }
    return `${open} connections each hold ${mb(100 * KiB)} of a ${mb(16 * MiB)} message`;
  },
};

const idleConnections: Attack = {
  name: "idle-connections",
  summary: "connections that finish the handshake and then say nothing, as many as maxConnections allows",
  rig: "pull",
  options: (p) => ({ maxConnections: p.slots, idleTimeout: 300 }),
  sizes: { small: { slots: 30 }, full: { slots: 5000 } },
  ceilingMb: (p) => 16 + (p.slots! * 20 * KiB) / MiB,
  expectEvent: "disconnect ETIMEDOUT",
  async run(target, p, keep) {
    const held: RawPeer[] = [];
    for (let i = 0; i < p.slots!; i += 100) {
      const batch = Math.min(100, p.slots! - i);
      held.push(...(await Promise.all(Array.from({ length: batch }, () => peer(keep, target.endpoints.server!, "PUSH").catch(() => undefined)))).filter((x): x is RawPeer => x !== undefined));
    }
    // They stay connected (and silent) while the good client tries its luck.
    return `${held.length} idle connections opened with maxConnections ${p.slots}`;
  },
};

const hugeIdentity: Attack = {
  name: "huge-identity",
  summary: "connections to a ROUTER announcing a 60 KiB Identity, kept open",
  rig: "router",
  options: () => ({}),
  sizes: { small: { peers: 300 }, full: { peers: 3000 } },
  ceilingMb: () => 16,
  expectEvent: "handshake:error:protocol ERR_ZMTP_INVALID_METADATA",
  async run(target, p, keep) {
    let accepted = 0;
    for (let i = 0; i < p.peers!; i += 50) {
      accepted += count(await Promise.all(Array.from({ length: Math.min(50, p.peers! - i) }, async (_, j) => {
        const id = Buffer.alloc(60 * KiB, 0x41);
        id.writeUInt32BE(i + j, 1);
        const raw = await RawPeer.connect(target.endpoints.server!);
        keep(raw);
        return raw.handshake("DEALER", [["Identity", id]]).then(() => true, () => false);
      })));
    }
    return `${accepted} of ${p.peers} connections with a 60 KiB Identity accepted`;
  },
};

const identityChurn: Attack = {
  name: "identity-churn",
  summary: "connect, handshake with a fresh 255-octet Identity, disconnect; over and over",
  rig: "router",
  options: () => ({}),
  sizes: { small: { rounds: 2000 }, full: { rounds: 50_000 } },
  ceilingMb: () => 8,
  async run(target, p, keep) {
    for (let i = 0; i < p.rounds!; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, p.rounds! - i) }, async (_, j) => {
        const id = Buffer.alloc(255, 0x42);
        id.writeUInt32BE(i + j, 1);
        const raw = await RawPeer.connect(target.endpoints.server!);
        await raw.handshake("DEALER", [["Identity", id]]).catch(() => undefined);
        raw.destroy();
        await raw.closed;
      }));
    }
    return `${p.rounds} identities came and went`;
  },
};

const readyProperties: Attack = {
  name: "ready-properties",
  summary: "READY commands of nearly 64 KiB holding 6,000 empty properties, many connections",
  rig: "router",
  options: () => ({}),
  sizes: { small: { peers: 200 }, full: { peers: 2000 } },
  ceilingMb: () => 16,
  async run(target, p, keep) {
    // As many as fit in the 64 KiB a handshake command may have.
    const props: Array<[string, Buffer]> = Array.from({ length: 6000 }, (_, i) => [`p${i}`, Buffer.alloc(0)]);
    let served = 0;
    for (let i = 0; i < p.peers!; i += 50) {
      served += count(await Promise.all(Array.from({ length: Math.min(50, p.peers! - i) }, async () => {
        const raw = await RawPeer.connect(target.endpoints.server!);
        const ok = await raw.handshake("DEALER", props).then(() => true, () => false);
        raw.destroy();
        return ok;
      })));
    }
    return `${served} of ${p.peers} handshakes with 6,000 properties each answered`;
  },
};

/** Every attack, in the order of the report. */
export const ZMTP_ATTACKS: Attack[] = [
  proxyLongTopic("proxy"), proxyLongTopic("proxy-libzmq"), hugeTopic, manyBigTopics, millionTopics, millionTopicsUnbounded,
  subscriptionTotal, cancelUnknown, emptyParts, longMessage, pings, unreadThenEnded, pinnedChunks, bigCommand, announcedBodies, idleConnections, hugeIdentity, identityChurn,
  readyProperties,
];

/** Finds an attack by name. */
export function attackNamed(name: string): Attack {
  const a = ZMTP_ATTACKS.find((x) => x.name === name);
  if (!a) throw new Error(`no attack named ${name}`);
  return a;
}

/** Plays `attack` at `size` against a fresh server process and measures it. */
export async function runAttack(attack: Attack, size: "small" | "full"): Promise<AttackResult> {
  const p = attack.sizes[size];
  const target = await Target.start(attack.rig, attack.options(p), size === "full" ? attack.heapMb : undefined);
  const kept: Array<{ destroy(): void }> = [];
  const started = Date.now();
  let note: string;
  try {
    note = await attack.run(target, p, (c) => kept.push(c));
  } catch (e) {
    note = `the attacker stopped: ${(e as Error).message}`;
  }
  const ms = Date.now() - started;
  const check = await target.check(1);
  for (const c of kept) c.destroy();
  // A process that died may not have reported its exit yet: wait for it, to say how.
  if (check === undefined) await Promise.race([target.exited, new Promise((r) => setTimeout(r, 2000))]);
  await target.close();
  const m = check?.memory;
  return {
    attack: attack.name,
    size,
    survived: check !== undefined,
    served: check?.ok ?? false,
    ...(check?.why || check?.errors.length || target.death ? { why: [check?.why, ...(check?.errors ?? []), target.death].filter(Boolean).join("; ").slice(0, 600) } : {}),
    baselineHeldMb: target.baseline.held,
    peakHeldMb: m?.peakHeld ?? NaN,
    peakLiveMb: m?.peakLive ?? NaN,
    peakRssMb: target.peakRssMb ?? m?.peakRss ?? NaN,
    heldAfterGcMb: m?.held ?? NaN,
    ms,
    events: check?.events ?? {},
    note,
  };
}
