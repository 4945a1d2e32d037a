/**
 * Worker roles of the idle-clients case (bench/cases/idle.ts): a server
 * that many clients connect to, and the clients, each in a process of its
 * own so that each side's memory is its own.
 *
 * Memory is read after full garbage collections: the worker turns on
 * `gc()` at run time (the fork carries no --expose-gc), so that a delta
 * over the baseline is what the connections keep alive, not garbage not
 * yet collected.
 */
import net from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { bindLoopback, loadLib, makeSocket, type BenchSocket, type Lib } from "./sockets.js";
import type { WorkerMessage } from "./child.js";
import { settledUsage } from "./settled-memory.js";

let gc: (() => void) | undefined;
/** A full collection (gc() turned on at first use: other roles run without it). */
function collect(): void {
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
}

/** The first message of every client: one octet, "h". */
export const HELLO = 0x68;
/**
 * The traffic round: a burst of small messages sent at once (so that the
 * batches both sides write grow as a busy connection's do), then one
 * large one; each is echoed back.
 */
export const BURST = 100;
export const SMALL = 100;
export const LARGE = 64 * 1024;

/** Memory of this process after full collections, in octets. */
export interface MemorySample {
  rss: number;
  heap: number;
  /** ArrayBuffers and other off-heap memory (external includes arrayBuffers). */
  external: number;
  arrayBuffers: number;
}

/**
 * Collects until neither the heap nor the ArrayBuffers shrink any more (V8
 * frees dead ArrayBuffers' memory on a background thread after a
 * collection), then samples. Bounded: it is a measurement.
 */
export async function settledMemory(): Promise<MemorySample> {
  const m = await settledUsage(collect, (u) => u.heapUsed + u.arrayBuffers);
  return { rss: m.rss, heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

type Post = (message: WorkerMessage) => void;
type FromRunner = (type: string) => Promise<WorkerMessage>;
type Track = (close: () => unknown) => void;

/**
 * The server: a ROUTER (purezmq or native) or a bare node:net server.
 * "ready" with the baseline; "seen" once `n` clients said hello (with the
 * memory then); echoes every other message; "measured" on "measure".
 */
export async function idleServer(p: { lib: Lib | "net"; n: number }, post: Post, fromRunner: FromRunner, track: Track): Promise<void> {
  let seen = 0;
  const hello = async (): Promise<void> => {
    if (++seen === p.n) post({ type: "seen", memory: await settledMemory() });
  };
  const measure = async (): Promise<void> => {
    for (;;) {
      await fromRunner("measure");
      post({ type: "measured", memory: await settledMemory() });
    }
  };
  if (p.lib === "net") {
    const server = net.createServer((s) => {
      let greeted = false;
      s.setNoDelay(true);
      s.on("data", (c: Buffer) => {
        if (!greeted) {
          greeted = true;
          void hello();
          if (c.length === 1) return;
          c = c.subarray(1);
        }
        s.write(c);
      });
      s.on("error", () => s.destroy());
    });
    track(() => server.close());
    await new Promise<void>((r) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, r));
    post({ type: "ready", port: (server.address() as net.AddressInfo).port, memory: await settledMemory() });
    await measure();
    return;
  }
  const router = await makeSocket(p.lib, "Router", { backlog: 4096 });
  track(() => router.close());
  const endpoint = await bindLoopback(router);
  post({ type: "ready", endpoint, memory: await settledMemory() });
  void measure();
  for (;;) {
    const [id, body] = await router.receive();
    if (body!.length === 1 && body![0] === HELLO) void hello();
    else await router.send([id!, body!]);
  }
}

/**
 * `n` clients, purezmq DEALERs (or node:net sockets for the net server):
 * on "go" they connect and each says hello; on "traffic" each sends the
 * traffic messages one after the other, waiting for each echo, and "done"
 * follows once all have. Reports its own memory per step, the client side.
 */
export async function idleClients(p: { net: boolean; n: number; endpoint?: string; port?: number }, post: Post, fromRunner: FromRunner, track: Track): Promise<void> {
  // Loaded before the baseline and the clock: neither should count the module.
  if (!p.net) await loadLib("purezmq");
  const base = await settledMemory();
  post({ type: "ready" });
  await fromRunner("go");
  const small = Buffer.alloc(SMALL, 0x61);
  const large = Buffer.alloc(LARGE, 0x61);
  let exchange: (() => Promise<void>)[];
  if (p.net) {
    exchange = [];
    for (let i = 0; i < p.n; i++) {
      const s = net.connect({ port: p.port!, host: "127.0.0.1" });
      s.setNoDelay(true);
      s.on("error", (err) => post({ type: "error", message: `client: ${err.message}` }));
      track(() => s.destroy());
      s.write(Buffer.from([HELLO]));
      // The echo of `octets` sent: a stream has no message boundaries.
      const echoed = (octets: number): Promise<void> => new Promise<void>((resolve) => {
        let got = 0;
        const onData = (c: Buffer): void => {
          if ((got += c.length) < octets) return;
          s.off("data", onData);
          resolve();
        };
        s.on("data", onData);
      });
      exchange.push(async () => {
        const back = echoed(BURST * SMALL);
        for (let k = 0; k < BURST; k++) s.write(small);
        await back;
        const backLarge = echoed(LARGE);
        s.write(large);
        await backLarge;
      });
    }
  } else {
    const sockets: BenchSocket[] = [];
    for (let i = 0; i < p.n; i++) {
      const d = await makeSocket("purezmq", "Dealer");
      track(() => d.close());
      d.connect(p.endpoint!);
      void d.send(Buffer.from([HELLO]));
      sockets.push(d);
    }
    exchange = sockets.map((d) => async () => {
      for (let k = 0; k < BURST; k++) void d.send(small);
      for (let k = 0; k < BURST; k++) await d.receive();
      await d.send(large);
      await d.receive();
    });
  }
  post({ type: "connecting" });
  await fromRunner("traffic");
  const connected = await settledMemory();
  await Promise.all(exchange.map((f) => f()));
  post({ type: "done", base, connected, after: await settledMemory() });
}
