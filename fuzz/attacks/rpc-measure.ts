/**
 * How an attack on the RPC or Lua RPC layer is measured: in a child process
 * of its own (so that its memory is its own), sampling the resident set and
 * the heap, the longest stall of the event loop, the attack's duration, and
 * whether a well-behaved client was still answered meanwhile. The same
 * attack code runs at `small` scale under `npm test` and at `full` scale
 * under `npm run fuzz`.
 *
 * Child: `node build/fuzz/attacks/rpc-child.js <family> <attack> <scale>`
 * prints one line of JSON {@link Figures}.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";

/** How hard an attack pushes: `small` proves the bound quickly, `full` is the reported scenario. */
export type Scale = "small" | "full";

/** What an attack reports about itself. */
export interface AttackResult {
  /** The good client was answered correctly during (or right after) the attack. */
  readonly goodClientServed: boolean;
  /** Milliseconds the good client waited for its answer. */
  readonly goodClientMs: number;
  /** The bound held (the attack's own check: refusal seen, work dropped...). */
  readonly bounded: boolean;
  /** One line about what happened. */
  readonly note: string;
  /** The memory ceiling (MB above the baseline RSS) this scale must stay under, from the configured limits. */
  readonly ceilingMB: number;
}

/** One attack's measured figures. */
export interface Figures extends AttackResult {
  readonly attack: string;
  readonly scale: Scale;
  readonly baseRssMB: number;
  readonly peakRssMB: number;
  readonly peakHeapMB: number;
  readonly ms: number;
  readonly maxStallMs: number;
  readonly uncaught: number;
}

/** An attack: sets up its server and good client, attacks, reports. */
export type Attack = (scale: Scale) => Promise<AttackResult>;

const MB = 1024 * 1024;

/** Runs one attack in this process, sampling memory and loop delay. */
export async function measure(name: string, scale: Scale, attack: Attack): Promise<Figures> {
  let uncaught = 0;
  const count = (): void => void uncaught++;
  process.on("uncaughtException", count);
  process.on("unhandledRejection", count);
  (globalThis as { gc?: () => void }).gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  const sampler = setInterval(sample, 10);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  let result: AttackResult;
  try {
    result = await attack(scale);
  } catch (e) {
    result = { goodClientServed: false, goodClientMs: -1, bounded: false, note: `attack threw: ${(e as Error).message}`, ceilingMB: 0 };
  }
  const ms = performance.now() - t0;
  sample();
  clearInterval(sampler);
  loop.disable();
  process.off("uncaughtException", count);
  process.off("unhandledRejection", count);
  return {
    attack: name,
    scale,
    ...result,
    baseRssMB: round(baseRss / MB),
    peakRssMB: round(peakRss / MB),
    peakHeapMB: round(peakHeap / MB),
    ms: Math.round(ms),
    maxStallMs: round(loop.max / 1e6),
    uncaught,
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

const CHILD = fileURLToPath(new URL("./rpc-child.js", import.meta.url));

/**
 * Runs one attack in a child process and returns its figures.
 *
 * @param family - `rpc` or `lua`.
 * @param attack - the attack's name in its family.
 * @param scale - how hard.
 * @param timeoutMs - the child is killed after this long (the figures then say it did not survive).
 */
export function runInChild(family: "rpc" | "lua", attack: string, scale: Scale, timeoutMs = 120_000): Promise<Figures | { attack: string; failed: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", CHILD, family, attack, scale], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as Figures);
      } catch {
        resolve({ attack, failed: `child ended (${signal ?? code}) without figures: ${err.trim().split("\n").slice(-3).join(" | ")}` });
      }
    });
  });
}

/** True when the figures say: survived, bounded, good client served, under the ceiling. */
export function held(f: Figures): boolean {
  return f.uncaught === 0 && f.bounded && f.goodClientServed && f.peakRssMB - f.baseRssMB <= f.ceilingMB;
}

/** One line of figures for a report. */
export function describeFigures(f: Figures): string {
  return (
    `${f.attack} (${f.scale}): peak RSS +${round(f.peakRssMB - f.baseRssMB)} MB (ceiling ${f.ceilingMB}), heap peak ${f.peakHeapMB} MB, ` +
    `${f.ms} ms, longest loop stall ${f.maxStallMs} ms, good client ${f.goodClientServed ? `served in ${Math.round(f.goodClientMs)} ms` : "NOT served"}, ` +
    `${f.bounded ? "bounded" : "NOT bounded"}, uncaught ${f.uncaught}; ${f.note}`
  );
}
