/**
 * Worker process of the benchmark runner: `node worker.js <role> <json params>`.
 * Each role binds or connects what the runner's case needs, says "ready"
 * over IPC, and reports its figures with a "done" message. A "stop" message
 * (or the runner going away) closes everything and exits.
 */
import net from "node:net";
import { bindLoopback, makeSocket, type BenchSocket, type BenchSubscriber, type Lib, type SocketKind } from "./lib/sockets.js";
import { rpcServerVariant, type RpcVariant } from "./lib/rpc.js";
import type { WorkerMessage } from "./lib/child.js";
import { countInto } from "./lib/count-sink.js";
import { FrameBodies } from "./lib/frame-bodies.js";
import { subscriptionsPublisher, subscriptionsSubscriber } from "./cases/subscriptions.js";
import { idleClients, idleServer } from "./lib/idle-roles.js";

const cleanups: Array<() => void | Promise<void>> = [];
const fromParent: WorkerMessage[] = [];
let parentWaiter: { type: string; resolve: (m: WorkerMessage) => void } | undefined;
let stopping = false;

function post(message: WorkerMessage): void {
  process.send?.(message);
}

async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch {
      /* closing anyway */
    }
  }
  process.exit(code);
}

process.on("message", (m: WorkerMessage) => {
  if (m.type === "stop") {
    void stop();
    return;
  }
  if (parentWaiter && parentWaiter.type === m.type) {
    const w = parentWaiter;
    parentWaiter = undefined;
    w.resolve(m);
  } else {
    fromParent.push(m);
  }
});
process.on("disconnect", () => void stop());

function fromRunner(type: string): Promise<WorkerMessage> {
  const i = fromParent.findIndex((m) => m.type === type);
  if (i >= 0) return Promise.resolve(fromParent.splice(i, 1)[0]!);
  return new Promise((resolve) => {
    parentWaiter = { type, resolve };
  });
}

function track<T extends { close(): unknown }>(s: T): T {
  cleanups.push(() => void s.close());
  return s;
}

interface Params {
  lib: Lib;
  [key: string]: unknown;
}

const roles: Record<string, (p: Params) => Promise<void>> = {
  /** REP echo server (case 1). */
  async echo(p) {
    const rep = track(await makeSocket(p.lib, "Reply"));
    post({ type: "ready", endpoint: await bindLoopback(rep) });
    for (;;) {
      const msg = await rep.receive();
      await rep.send(msg);
    }
  },

  /** node:net echo server (case 1 limit). */
  async "echo-net"() {
    const server = net.createServer((s) => {
      s.setNoDelay(true);
      s.on("data", (c) => s.write(c));
      s.on("error", () => s.destroy());
    });
    cleanups.push(() => void server.close());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    post({ type: "ready", port: (server.address() as net.AddressInfo).port });
  },

  /**
   * Receiving end of a throughput run (cases 2 and 4): counts messages whose
   * last part has `size` octets; a one-octet "w" (sent once connected and
   * again after the warm-up) is acknowledged and restarts the count, a
   * one-octet "e" ends the round. Reads with `for await`, the receiving
   * idiom of the zeromq.js documentation, for both libraries.
   */
  async sink(p) {
    const size = p.size as number;
    const kind = p.kind as SocketKind;
    const sock = track(await makeSocket(p.lib, kind, (p.options as Record<string, unknown> | undefined) ?? {}));
    post({ type: "ready", endpoint: await bindLoopback(sock) });
    await countInto(sock, size, post);
  },

  /** A bound socket of `kind` with `options` that only accepts connections (the CURVE handshake case). */
  async listen(p) {
    const sock = track(await makeSocket(p.lib, p.kind as SocketKind, (p.options as Record<string, unknown> | undefined) ?? {}));
    post({ type: "ready", endpoint: await bindLoopback(sock) });
  },

  /**
   * node:net receiving end: counts octets until the sender ends the stream.
   * With `warmBytes`, the first that many are the untimed warm-up: "warm"
   * is posted once they are in, and they are not counted. With `frame`
   * (the octets of one frame, `header` of them its header), each body is
   * handed on as a Buffer of its own through `for await` and counted
   * there: the least a receiver that gives each message to the
   * application that way can do, with no protocol, queue or limit.
   */
  async "sink-net"(p) {
    const warmBytes = (p.warmBytes as number | undefined) ?? 0;
    const frame = p.frame as number | undefined;
    const header = (p.header as number | undefined) ?? 0;
    const server = net.createServer((s) => {
      let bytes = 0;
      let warming = warmBytes > 0;
      const count = (n: number): void => {
        bytes += n;
        if (warming && bytes >= warmBytes) {
          warming = false;
          bytes -= warmBytes;
          post({ type: "warm" });
        }
      };
      const done = (): void => {
        post({ type: "done", bytes });
        s.end();
      };
      if (frame === undefined) {
        s.on("data", (c: Buffer) => count(c.length));
        s.on("end", done);
      } else {
        const bodies = new FrameBodies(frame, header);
        s.on("data", (c: Buffer) => bodies.push(c));
        s.on("end", () => bodies.end());
        void (async () => {
          for await (const body of bodies) count(body.length + header);
          done();
        })();
      }
      s.on("error", () => s.destroy());
    });
    cleanups.push(() => void server.close());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    post({ type: "ready", port: (server.address() as net.AddressInfo).port });
  },

  /**
   * Subscriber of the fan-out case (3): counts `size`-octet messages; "A?"
   * probes tell the publisher the subscription is in place, "A!" ends.
   */
  async sub(p) {
    const size = p.size as number;
    const sub = track((await makeSocket(p.lib, "Subscriber")) as BenchSubscriber);
    sub.connect(p.endpoint as string);
    sub.subscribe(p.topic as string);
    post({ type: "ready" });
    let count = 0;
    let probed = false;
    for await (const [body] of sub) {
      if (!body) continue;
      if (body.length === size) {
        count++;
      } else if (body.length === 2 && body[1] === 0x3f /* ? */) {
        if (!probed) post({ type: "probed" });
        probed = true;
      } else if (body.length === 2 && body[1] === 0x21 /* ! */) {
        post({ type: "done", count });
        return;
      }
    }
  },

  /**
   * `count` subscribers of the fan-out curve in this one process, each
   * subscribed to "A": "probed" once every one has seen an "A?" probe;
   * "done" with the messages of `size` octets all of them counted, and this
   * process's CPU time over the round, once every one has seen "A!".
   */
  async subs(p) {
    const size = p.size as number;
    const count = p.count as number;
    let probed = 0;
    let finished = 0;
    let delivered = 0;
    let cpuStart: NodeJS.CpuUsage | undefined;
    const subs: BenchSubscriber[] = [];
    for (let i = 0; i < count; i++) {
      const sub = track((await makeSocket(p.lib, "Subscriber")) as BenchSubscriber);
      sub.connect(p.endpoint as string);
      sub.subscribe("A");
      subs.push(sub);
    }
    post({ type: "ready" });
    await Promise.all(subs.map(async (sub) => {
      let seenProbe = false;
      for await (const [body] of sub) {
        if (!body) continue;
        if (body.length === size) {
          delivered++;
        } else if (body.length === 2 && body[1] === 0x3f /* ? */) {
          if (seenProbe) continue;
          seenProbe = true;
          if (++probed === count) {
            cpuStart = process.cpuUsage();
            post({ type: "probed" });
          }
        } else if (body.length === 2 && body[1] === 0x21 /* ! */) {
          if (++finished === count) {
            const cpu = process.cpuUsage(cpuStart);
            post({ type: "done", count: delivered, cpuMicros: cpu.user + cpu.system });
          }
          return;
        }
      }
    }));
  },

  /** RPC server of case 5 (variant: purezmq RpcServer, purezmq sockets + codec, or native + msgpack). */
  async "rpc-server"(p) {
    const server = await rpcServerVariant(p.variant as RpcVariant, p.mode as "rep" | "router");
    cleanups.push(() => server.close());
    post({ type: "ready", endpoint: server.endpoint });
  },

  /** Lua RPC peer serving `add` (case 6). */
  async "lua-server"() {
    const { newMultiServer } = await import("../src/lua-rpc/index.js");
    const server = await newMultiServer("127.0.0.1", 0, () => {}, { expose: { add: (a: number, b: number) => a + b } });
    cleanups.push(() => server.close());
    post({ type: "ready", port: server.port });
  },

  /**
   * Publisher with a stalled subscriber (case 7): on "go", sends `messages`
   * 100-octet messages with awaited send(), sampling memory as it goes.
   */
  async "pub-memory"(p) {
    const messages = p.messages as number;
    const maxSeconds = p.maxSeconds as number;
    const pub: BenchSocket = track(await makeSocket(p.lib, "Publisher"));
    post({ type: "ready", endpoint: await bindLoopback(pub) });
    await fromRunner("go");
    const body = Buffer.alloc(100, 0x41);
    const base = process.memoryUsage();
    let peakHeap = base.heapUsed;
    let peakExternal = base.external + base.arrayBuffers;
    let peakRss = base.rss;
    const sample = (): void => {
      const m = process.memoryUsage();
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.external + m.arrayBuffers > peakExternal) peakExternal = m.external + m.arrayBuffers;
      if (m.rss > peakRss) peakRss = m.rss;
    };
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(maxSeconds * 1e9));
    let sent = 0;
    while (sent < messages) {
      await pub.send(body);
      sent++;
      if ((sent & 4095) === 0) {
        sample();
        if (process.hrtime.bigint() > deadline) break;
      }
    }
    const sendSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    // Let the connection try to move what is queued, still measuring.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sample();
    }
    const maxRss = process.resourceUsage().maxRSS * 1024;
    post({
      type: "done",
      sent,
      sendSeconds,
      baseRss: base.rss,
      baseHeap: base.heapUsed,
      peakRss: Math.max(peakRss, maxRss),
      peakHeap,
      peakExternal,
    });
  },

  /** Publisher of the subscriptions curve: see bench/cases/subscriptions.ts. */
  async "subscriptions-pub"(p) {
    await subscriptionsPublisher({ post, fromRunner, track }, p as Params & { count: number });
  },

  /** Subscriber of the subscriptions curve, subscribing `count` topics. */
  async "subscriptions-sub"(p) {
    await subscriptionsSubscriber({ post, fromRunner, track }, p as Params & { count: number; endpoint: string });
  },
};

/** The idle-clients case's roles (bench/lib/idle-roles.ts), with this worker's plumbing. */
roles["idle-server"] = (p) => idleServer(p as Parameters<typeof idleServer>[0], post, fromRunner, (close) => cleanups.push(() => void close()));
roles["idle-clients"] = (p) => idleClients(p as unknown as Parameters<typeof idleClients>[0], post, fromRunner, (close) => cleanups.push(() => void close()));

async function main(): Promise<void> {
  const [role, json] = process.argv.slice(2);
  const fn = role ? roles[role] : undefined;
  if (!fn) throw new Error(`unknown worker role ${role}`);
  await fn(JSON.parse(json ?? "{}") as Params);
}

main().catch((err: unknown) => {
  if (stopping) return;
  post({ type: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  void stop(1);
});
