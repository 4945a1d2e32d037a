/**
 * The two libraries under test behind one small structural interface. Both
 * expose the zeromq.js v6 API, so the benchmark code is the same for both:
 * only the module the socket class comes from changes. Modules are loaded
 * lazily so that a purezmq process never loads the native addon (which
 * would distort its memory figures) and the other way round.
 */

/** The implementations compared. */
export type Lib = "purezmq" | "native";

/** Socket classes used by the benchmarks (zeromq.js v6 names). */
export type SocketKind = "Request" | "Reply" | "Dealer" | "Router" | "Push" | "Pull" | "Publisher" | "Subscriber" | "XSubscriber";

/** The part of the zeromq.js v6 socket API the benchmarks use. */
export interface BenchSocket {
  bind(address: string): Promise<void>;
  connect(address: string): void;
  send(message: Buffer | string | Array<Buffer | string>): Promise<void>;
  receive(): Promise<Buffer[]>;
  [Symbol.asyncIterator](): AsyncIterator<Buffer[]>;
  close(): void;
  readonly lastEndpoint: string | null;
}

/** A subscriber adds subscribe(). */
export interface BenchSubscriber extends BenchSocket {
  subscribe(...prefixes: Array<string | Buffer>): void;
}

/** Raised when a socket type is not (yet) exported by purezmq. */
export class NotBuiltError extends Error {
  constructor(what: string) {
    super(`${what} not built yet`);
    this.name = "NotBuiltError";
  }
}

type Module = Record<string, unknown>;
const modules = new Map<Lib, Module>();

/** Loads (once) the module of a library. */
export async function loadLib(lib: Lib): Promise<Module> {
  let m = modules.get(lib);
  if (!m) {
    m = lib === "purezmq"
      ? ((await import("../../src/index.js")) as unknown as Module)
      : ((await import("zeromq")) as unknown as Module);
    modules.set(lib, m);
  }
  return m;
}

/** True when the library exports every named socket class. */
export async function hasSockets(lib: Lib, ...kinds: SocketKind[]): Promise<boolean> {
  const m = await loadLib(lib);
  return kinds.every((k) => typeof m[k] === "function");
}

/** Creates a socket of the given class with zeromq.js option names. */
export async function makeSocket(lib: Lib, kind: SocketKind, options: Record<string, unknown> = {}): Promise<BenchSocket> {
  const m = await loadLib(lib);
  const ctor = m[kind] as (new (options?: Record<string, unknown>) => BenchSocket) | undefined;
  if (typeof ctor !== "function") throw new NotBuiltError(`${lib} ${kind}`);
  // Linger 0 everywhere: a benchmark must never hang on close.
  return new ctor({ linger: 0, ...options });
}

/** Binds to a free loopback TCP port and returns the endpoint actually bound. */
export async function bindLoopback(sock: BenchSocket): Promise<string> {
  await sock.bind("tcp://127.0.0.1:*");
  const ep = sock.lastEndpoint;
  if (!ep) throw new Error("bind did not report its endpoint");
  return ep;
}

/**
 * Sends `marker` until `until` settles, and returns what it settles to: a
 * PUB drops for a subscriber that is not there yet or falls behind, so a
 * lone probe or end marker may never arrive. The first resend is after
 * `everyMs`, each later one waits twice as long, up to 8 x `everyMs`: an
 * end marker queued behind a backlog arrives only once the subscribers have
 * read it, and a marker every few milliseconds meanwhile would make them
 * (1,000 of them in the fan-out case) read a flood of markers too, and the
 * publisher write it, inside the timed round.
 */
export async function sendUntil<T>(sock: BenchSocket, marker: Buffer, until: Promise<T>, everyMs: number): Promise<T> {
  let settled = false;
  void until.then(() => (settled = true), () => (settled = true));
  let wait = everyMs;
  while (!settled) {
    await sock.send(marker);
    await Promise.race([new Promise((r) => setTimeout(r, wait)), until.catch(() => undefined)]);
    wait = Math.min(wait * 2, everyMs * 8);
  }
  return until;
}
