/**
 * Full-scale attacks on the `purezmq` command, measured: survival, peak
 * resident memory of the attacked process, time. The tests in
 * `test/hostile/cli-*.test.ts` run the same attacks at a small scale.
 *
 * - `trace-parts`: one message of 12 M empty MORE frames through `trace`,
 *   while a second connection makes one RPC request through it.
 * - `trace-nested`: a request whose argument nests 1 M arrays, then a plain
 *   request on the same connection.
 * - `trace-lua-cycle`: a Lua RPC call with a self-referencing table, then a
 *   plain call, through `trace --lua`.
 * - `call-huge`: a 200 MiB reply to `call`.
 * - `call-garbage`: garbage frames after the handshake, answering `call`.
 *
 * Run by `npm run fuzz -- --only attacks-cli`, or alone (also against another
 * build of the command, to measure a change):
 * `node build/fuzz/attacks/cli.js [--cli path/to/cli/main.js] [--only name,...] [--scale small]`.
 */
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { encodeCallFrame } from "../../src/lua-rpc/index.js";
import { luaovermq } from "../../src/rpc/index.js";
import { encodeFrame, FLAG_MORE } from "../../src/zmtp/wire/index.js";
import { CLI, CliProcess } from "../../test/cli/cli-process.js";
import {
  CountingSink, answeringRouter, emptyParts, nestedRequest, peakRss, sendThrough, sha256, startTracer, traceEvents, zmtpOpening,
  type Tracer,
} from "../../test/hostile/cli-hostile-peers.js";
import type { FuzzTarget } from "../lib/target.js";

/** What one attack measured. */
export interface Measure {
  attack: string;
  /** The attacked process was still there and still doing its job at the end. */
  survived: boolean;
  /** Peak resident memory of the attacked process, MiB. */
  peakMiB: number | undefined;
  seconds: number;
  detail: string;
}

/** The scale of the attacks: full (the figures of the report) or small (a quick check). */
export type Scale = "full" | "small";

const SIZES = {
  full: { parts: 12_000_000, depth: 1_000_000, reply: 200 * 1024 * 1024 },
  small: { parts: 200_000, depth: 100_000, reply: 2 * 1024 * 1024 },
};

/** Peak memory allowed to the tracer through an attack (it held every part before, and died at 12 M). */
const TRACER_CEILING = 160 * 1024 * 1024;

const mib = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n / 1024 / 102.4) / 10);

/** Samples a process's peak memory every 50 ms (the last sample survives its death); `stop` gives the peak seen. */
function sampler(pid: number): { stop(): number | undefined } {
  let peak: number | undefined;
  const take = (): void => {
    peak = peakRss(pid) ?? peak;
  };
  const timer = setInterval(take, 50);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/** A message event of the tracer, when one matching `pick` was printed. */
function findEvent(t: Tracer, pick: (e: Record<string, unknown>) => boolean): Record<string, unknown> | undefined {
  return traceEvents(t).find(pick);
}

/** Waits for an event of the tracer; undefined when the tracer ends first or `ms` pass. */
async function awaitEvent(t: Tracer, pick: (e: Record<string, unknown>) => boolean, what: string, ms: number): Promise<Record<string, unknown> | undefined> {
  try {
    return await t.proc.waitFor(() => findEvent(t, pick), what, ms);
  } catch {
    return undefined;
  }
}

/** Runs `attack` against a tracer relaying to a counting sink, and stops both after. */
async function onTracer(cli: string, args: string[], attack: (t: Tracer, sink: CountingSink) => Promise<Measure>): Promise<Measure> {
  const sink = new CountingSink();
  const t = await startTracer(await sink.listen(), args, cli);
  try {
    return await attack(t, sink);
  } finally {
    await t.proc.stop("SIGKILL");
    sink.close();
  }
}

function traceParts(cli: string, parts: number): Promise<Measure> {
  return onTracer(cli, [], async (t, sink) => {
    const started = performance.now();
    const memory = sampler(t.proc.child.pid!);
    const flood = Buffer.concat([zmtpOpening(), emptyParts(parts)]);
    const sent = sendThrough(t.port, flood).catch(() => undefined);
    // A second client, while the flood is under way.
    const request = luaovermq.encodeRequest("add", [2, 3]);
    const second = Buffer.concat([zmtpOpening(), encodeFrame(Buffer.alloc(0), FLAG_MORE), encodeFrame(request)]);
    await sendThrough(t.port, second).catch(() => undefined);
    const decoded = await awaitEvent(t, (e) => (e.decoded as { method?: string } | undefined)?.method === "add", "the second client's request", 60_000);
    await sent;
    const partsOf = (e: Record<string, unknown>): number => (e.frames as unknown[]).length + ((e.omitted as { parts?: number } | undefined)?.parts ?? 0);
    const flooded = await awaitEvent(t, (e) => e.type === "message" && partsOf(e) > parts, "the flood message", 600_000);
    const peak = memory.stop();
    const alive = t.proc.child.exitCode === null && t.proc.child.signalCode === null;
    const received = await sink.arrived(sha256(flood), 60_000);
    return {
      attack: `trace-parts (${parts} empty parts)`,
      survived: alive && decoded !== undefined && flooded !== undefined && received?.sha256 === sha256(flood) && (peak ?? 0) < TRACER_CEILING,
      peakMiB: mib(peak),
      seconds: (performance.now() - started) / 1000,
      detail: `second client decoded: ${decoded !== undefined}; flood relayed intact: ${received?.sha256 === sha256(flood)}; reported parts: ${flooded ? partsOf(flooded) : "none"}${alive ? "" : `; tracer ended: ${t.proc.stderr.slice(-3).join(" | ").slice(0, 300)}`}`,
    };
  });
}

function traceNested(cli: string, depth: number): Promise<Measure> {
  return onTracer(cli, [], async (t) => {
    const started = performance.now();
    const memory = sampler(t.proc.child.pid!);
    const data = Buffer.concat([zmtpOpening(), encodeFrame(nestedRequest("deep", depth)), encodeFrame(luaovermq.encodeRequest("after", [1]))]);
    await sendThrough(t.port, data);
    const after = await awaitEvent(t, (e) => (e.decoded as { method?: string } | undefined)?.method === "after", "the request after", 120_000);
    const peak = memory.stop();
    const alive = t.proc.child.exitCode === null;
    return {
      attack: `trace-nested (${depth} deep)`,
      survived: alive && after !== undefined && (peak ?? 0) < TRACER_CEILING,
      peakMiB: mib(peak),
      seconds: (performance.now() - started) / 1000,
      detail: `next request decoded: ${after !== undefined}; violations: ${traceEvents(t).filter((e) => e.type === "violation").map((e) => e.error).join("; ") || "none"}`,
    };
  });
}

function traceLuaCycle(cli: string): Promise<Measure> {
  return onTracer(cli, ["--lua"], async (t) => {
    const started = performance.now();
    const table: Record<string, unknown> = { name: "loop" };
    table.self = table;
    const data = Buffer.concat([encodeCallFrame(1, "f", [table]), encodeCallFrame(2, "after", [1])]);
    await sendThrough(t.port, data);
    const after = await awaitEvent(t, (e) => (e.detail as { name?: string } | undefined)?.name === "after", "the call after", 30_000);
    const cycle = findEvent(t, (e) => (e.detail as { name?: string } | undefined)?.name === "f");
    return {
      attack: "trace-lua-cycle",
      survived: after !== undefined && cycle !== undefined,
      peakMiB: mib(peakRss(t.proc.child.pid!)),
      seconds: (performance.now() - started) / 1000,
      detail: `cyclic call shown: ${JSON.stringify(cycle?.detail ?? null).slice(0, 120)}; next call decoded: ${after !== undefined}`,
    };
  });
}

/** Runs `call` to its end while sampling its peak memory. */
async function measuredCall(cli: string, endpoint: string, ms: number): Promise<{ status: number | null; signal: string | null; stderr: string; stdout: string; peak: number | undefined; seconds: number }> {
  const started = performance.now();
  const proc = new CliProcess(["call", endpoint, "add", "1", "2", "--timeout", "30000"], cli);
  const memory = sampler(proc.child.pid!);
  const deadline = setTimeout(() => proc.child.kill("SIGKILL"), ms);
  try {
    const end = await proc.exited;
    return { ...end, peak: memory.stop(), seconds: (performance.now() - started) / 1000 };
  } finally {
    memory.stop();
    clearTimeout(deadline);
  }
}

async function callHuge(cli: string, size: number): Promise<Measure> {
  const value = Buffer.alloc(size, 0x61);
  const server = await answeringRouter(() => luaovermq.encodeReply(value));
  try {
    const r = await measuredCall(cli, server.endpoint, 120_000);
    return {
      attack: `call-huge (${size / 1024 / 1024} MiB reply)`,
      survived: r.signal === null && r.status !== null && r.status !== 13 && r.stderr.split("\n").length === 1,
      peakMiB: mib(r.peak),
      seconds: r.seconds,
      detail: `exit ${r.status ?? r.signal}; stderr: ${r.stderr.slice(0, 160).replace(/\n/g, " | ")}`,
    };
  } finally {
    server.close();
  }
}

async function callGarbage(cli: string): Promise<Measure> {
  // A server that completes the handshake, then sends frames with reserved flag bits.
  const server = net.createServer((s) => {
    s.on("error", () => undefined);
    s.once("data", () => s.write(Buffer.concat([zmtpOpening("ROUTER"), Buffer.from([0xff, 0xff, 0x1b, 0x5b, 0x32, 0x4a])])));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `tcp://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const r = await measuredCall(cli, endpoint, 60_000);
    return {
      attack: "call-garbage",
      survived: r.status !== null && r.status !== 0 && r.status !== 13 && r.stderr.trim().length > 0,
      peakMiB: mib(r.peak),
      seconds: r.seconds,
      detail: `exit ${r.status ?? r.signal}; stderr: ${JSON.stringify(r.stderr.slice(0, 160))}`,
    };
  } finally {
    server.close();
  }
}

/** The attacks by name, at a scale, against the command at `cli`. */
export function attacks(scale: Scale, cli = CLI): Record<string, () => Promise<Measure>> {
  const s = SIZES[scale];
  return {
    "trace-parts": () => traceParts(cli, s.parts),
    "trace-nested": () => traceNested(cli, s.depth),
    "trace-lua-cycle": () => traceLuaCycle(cli),
    "call-huge": () => callHuge(cli, s.reply),
    "call-garbage": () => callGarbage(cli),
  };
}

/** Runs the attacks, printing each measure; true when the command survived them all. */
export async function runAttacks(scale: Scale, cli = CLI, only: readonly string[] = []): Promise<boolean> {
  let ok = true;
  for (const [name, attack] of Object.entries(attacks(scale, cli))) {
    if (only.length > 0 && !only.includes(name)) continue;
    const m = await attack().catch((err: Error): Measure => ({ attack: name, survived: false, peakMiB: undefined, seconds: 0, detail: err.message.slice(0, 300) }));
    ok &&= m.survived;
    console.log(`${m.survived ? "ok  " : "FAIL"} ${m.attack}: peak ${m.peakMiB ?? "?"} MiB, ${m.seconds.toFixed(1)} s; ${m.detail}`);
  }
  return ok;
}

/** The fuzz runner's entry: the full-scale attacks on the command. */
export const cliTarget: FuzzTarget = { name: "attacks-cli", properties: [], run: () => runAttacks("full") };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag: string): string | undefined => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const scale = (arg("--scale") ?? "full") as Scale;
  process.exitCode = (await runAttacks(scale, arg("--cli") ?? CLI, arg("--only")?.split(",") ?? [])) ? 0 : 1;
}
