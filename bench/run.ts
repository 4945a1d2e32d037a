/**
 * purezmq benchmark suite: `node build/bench/run.js [--rounds N] [--messages N] ...`
 *
 * Every case runs purezmq and the native `zeromq` package (libzmq) on the
 * same machine in the same run, round after round interleaved (purezmq,
 * native, node:net, purezmq, ...), and reports medians, the purezmq/native
 * ratio, and where it makes sense the raw node:net figure for the same
 * octets as the practical limit. Results: a table on stdout,
 * bench/results/latest.json, bench/results/ratios.svg and, for the cases
 * that are points of a scale (`<base>-<n>`), bench/results/scale.svg.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { parseArgs } from "./lib/args.js";
import { killAll, stopAll } from "./lib/child.js";
import type { BenchCase, Metrics } from "./lib/case.js";
import { skipped, summarise, table, type CaseResult, type Side } from "./lib/report.js";
import { NotBuiltError, loadLib } from "./lib/sockets.js";
import { fmtInt, fmtNum, secondsSince } from "./lib/stats.js";
import { ratiosSvg, scaleSvg } from "./lib/svg.js";
import { reqrepCase } from "./cases/reqrep.js";
import { dealerRouterCase, largeCase, pushPullCase } from "./cases/throughput.js";
import { pubSubCase } from "./cases/pubsub.js";
import { luaCases, rpcCases } from "./cases/rpc.js";
import { memoryCase } from "./cases/memory.js";
import { loadCase } from "./cases/load.js";
import { FANOUT_POINTS, fanoutCases } from "./cases/fanout.js";
import { SUBSCRIPTION_POINTS, subscriptionsCases } from "./cases/subscriptions.js";
import { IDLE_POINTS, idleCases } from "./cases/idle.js";
import { INPROC_IDS, inprocCases } from "./cases/inproc.js";
import { curveCpuCase, curveHandshakeCase, curveLargeCase, curveSmallCase } from "./cases/curve.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** A round that takes longer than this has hung: it is failed and its workers killed. */
const ROUND_TIMEOUT_MS = 120_000;
/** Messages per round of the 1 MiB case. */
const LARGE_MESSAGES = 2000;

const log = (s: string): void => void process.stderr.write(s + "\n");

// A bug in one case (an exception thrown from an event handler, a stray
// rejection) fails the round in progress, not the whole run.
let abortRound: ((err: Error) => void) | undefined;
process.on("uncaughtException", (err) => {
  log(`uncaught exception: ${err.stack ?? err.message}`);
  abortRound?.(err);
});
process.on("unhandledRejection", (reason) => {
  const err = reason instanceof Error ? reason : new Error(String(reason));
  log(`unhandled rejection: ${err.message}`);
  abortRound?.(err);
});
process.on("exit", killAll);
process.on("SIGINT", () => {
  killAll();
  process.exit(130);
});

async function runRound(round: () => Promise<Metrics>): Promise<Metrics> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Metrics>((resolve, reject) => {
      abortRound = reject;
      timer = setTimeout(() => reject(new Error(`round did not finish within ${ROUND_TIMEOUT_MS / 1000} s`)), ROUND_TIMEOUT_MS);
      round().then(resolve, reject);
    });
  } finally {
    abortRound = undefined;
    clearTimeout(timer);
  }
}

function headline(c: BenchCase, m: Metrics): string {
  const v = m[c.metric] ?? NaN;
  return `${c.unit.includes("MB") ? fmtNum(v, 1) : fmtInt(v)} ${c.unit}`;
}

async function runCase(c: BenchCase, rounds: number, libs: Set<string>): Promise<CaseResult> {
  if (c.skip) {
    log(`${c.id}: ${c.skip}`);
    return skipped(c, c.skip);
  }
  const variants = c.variants.filter((v) => libs.has(v.side));
  const results = new Map<Side, Array<Metrics | { error: string }>>();
  const start = process.hrtime.bigint();
  const loadBefore = os.loadavg()[0]!;
  for (let r = 1; r <= rounds; r++) {
    for (const v of variants) {
      let entry: Metrics | { error: string };
      try {
        entry = await runRound(() => v.round());
        log(`${c.id} round ${r}/${rounds} ${v.side}: ${headline(c, entry)}`);
      } catch (err) {
        const e = err as Error;
        if (e instanceof NotBuiltError) return skipped(c, e.message);
        entry = { error: e.message };
        log(`${c.id} round ${r}/${rounds} ${v.side}: FAILED ${e.message}`);
        await stopAll();
      }
      const list = results.get(v.side) ?? [];
      list.push(entry);
      results.set(v.side, list);
    }
  }
  const summary = summarise(c, results, secondsSince(start));
  summary.load = [loadBefore, os.loadavg()[0]!];
  return summary;
}

/** Builds a case, turning a failure to build it into a failed case. */
async function build(id: string, title: string, make: () => BenchCase | BenchCase[] | Promise<BenchCase | BenchCase[]>): Promise<BenchCase[]> {
  try {
    const c = await make();
    return Array.isArray(c) ? c : [c];
  } catch (err) {
    const reason = `could not set up: ${(err as Error).message}`;
    return [{ id, title, metric: "", unit: "", higherIsBetter: true, variants: [], skip: reason }];
  }
}

function versionOf(file: string): string {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "?";
  } catch {
    return "?";
  }
}

/**
 * A busy loop at the lowest priority: it only takes CPU nobody else wants,
 * but keeps the CPUs from entering idle states between two messages.
 * Returns the function that stops it and resolves once it has exited, so
 * that the next case does not share the CPUs with it.
 */
function keepCpusAwake(): () => Promise<void> {
  const child = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  if (child.pid !== undefined) os.setPriority(child.pid, 19);
  const kill = (): void => void child.kill();
  process.once("exit", kill);
  return async () => {
    process.off("exit", kill);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill();
    await exited;
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const wanted = (id: string): boolean => args.only.size === 0 || args.only.has(id);
  const maxS = args.maxRoundSeconds;

  let libzmq = "?";
  try {
    libzmq = String((await loadLib("native")).version ?? "?");
  } catch (err) {
    log(`the native zeromq package did not load: ${(err as Error).message}`);
  }
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "?",
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    purezmq: versionOf(path.join(ROOT, "package.json")),
    zeromq: versionOf(path.join(ROOT, "node_modules/zeromq/package.json")),
    libzmq,
  };
  log(`purezmq ${machine.purezmq} vs zeromq ${machine.zeromq} (libzmq ${libzmq}), node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}`);
  log(`${args.rounds} rounds per side, interleaved. Both ends of each case run in separate processes that share the ${machine.cpus} cores: the same for both libraries.`);

  const cases: BenchCase[] = [];
  if (wanted("reqrep")) cases.push(...(await build("reqrep", "REQ/REP", () => reqrepCase(args.seconds))));
  if (wanted("reqrep-load")) cases.push(...(await build("reqrep-load", "REQ/REP under load", () => loadCase(args.seconds))));
  if (wanted("dealer-router")) cases.push(...(await build("dealer-router", "DEALER/ROUTER", () => dealerRouterCase(args.messages, maxS))));
  if (wanted("push-pull")) cases.push(...(await build("push-pull", "PUSH/PULL", () => pushPullCase(args.messages, maxS))));
  if (wanted("pub-sub")) cases.push(...(await build("pub-sub", "PUB/SUB", () => pubSubCase(args.messages, maxS))));
  if (wanted("pub-fanout") || FANOUT_POINTS.some((n) => wanted(`pub-fanout-${n}`))) {
    const fanout = await build("pub-fanout", "PUB fan-out", () => fanoutCases(args.messages, maxS));
    cases.push(...fanout.filter((c) => wanted("pub-fanout") || wanted(c.id)));
  }
  if (wanted("subscriptions") || SUBSCRIPTION_POINTS.some((n) => wanted(`subscriptions-${n}`))) {
    const subscriptions = await build("subscriptions", "Subscriptions", () => subscriptionsCases());
    cases.push(...subscriptions.filter((c) => wanted("subscriptions") || wanted(c.id)));
  }
  if (wanted("large")) cases.push(...(await build("large", "1 MiB", () => largeCase(Math.min(args.messages, LARGE_MESSAGES), maxS))));
  if (wanted("rpc") || wanted("rpc-seq") || wanted("rpc-one-process") || wanted("rpc-100")) {
    const rpc = await build("rpc", "RPC", () => rpcCases(args.seconds, args.rpcStandIn));
    cases.push(...rpc.filter((c) => wanted("rpc") || wanted(c.id)));
  }
  if (wanted("lua-rpc") || wanted("lua-seq") || wanted("lua-200")) {
    cases.push(...luaCases(args.seconds).filter((c) => wanted("lua-rpc") || wanted(c.id)));
  }
  if (wanted("curve")) cases.push(...(await build("curve", "CURVE 100 B", () => curveSmallCase(args.messages, maxS))));
  if (wanted("curve-large")) cases.push(...(await build("curve-large", "CURVE 1 MiB", () => curveLargeCase(Math.min(args.messages, LARGE_MESSAGES), maxS))));
  if (wanted("curve-handshake")) cases.push(...(await build("curve-handshake", "CURVE handshakes", () => curveHandshakeCase(Math.min(args.seconds, 3)))));
  if (wanted("curve-cpu")) cases.push(...(await build("curve-cpu", "CURVE handshake CPU", () => curveCpuCase(Math.min(args.seconds, 3)))));
  if (wanted("idle-clients") || IDLE_POINTS.some((n) => wanted(`idle-clients-${n}`))) {
    const idle = await build("idle-clients", "Idle clients", () => idleCases());
    cases.push(...idle.filter((c) => wanted("idle-clients") || wanted(c.id)));
  }
  if (wanted("pub-memory")) cases.push(...(await build("pub-memory", "PUB memory", () => memoryCase(args.messages, maxS))));
  // Last: once a worker thread of this process has used zeromq.js, native's
  // figures in the main thread were seen to fall (bench/cases/inproc.ts).
  if (wanted("inproc") || INPROC_IDS.some(wanted)) {
    const inproc = await build("inproc", "inproc", () => inprocCases(args.messages, maxS));
    cases.push(...inproc.filter((c) => wanted("inproc") || wanted(c.id)));
  }

  if (args.keepAwake) log("keep-awake: a lowest-priority busy loop runs during the round-trip cases (the same for every library)");
  const busy = os.loadavg()[0]!;
  if (busy > 0.5) log(`note: load average ${busy.toFixed(2)} before the run: other work on the machine makes the figures noisy`);
  const started = Date.now();
  const results: CaseResult[] = [];
  for (const c of cases) {
    const stopAwake = args.keepAwake && c.latencyBound && !c.skip ? keepCpusAwake() : undefined;
    try {
      const result = await runCase(c, args.rounds, args.libs);
      if (stopAwake) result.note = `${result.note ?? ""}; CPUs kept awake by a lowest-priority busy loop`;
      results.push(result);
    } finally {
      await stopAwake?.();
    }
    await stopAll();
  }
  const wall = (Date.now() - started) / 1000;

  const out = table(results);
  process.stdout.write(
    `\npurezmq ${machine.purezmq} vs zeromq ${machine.zeromq} (libzmq ${libzmq}) on ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}\n` +
      `medians of ${args.rounds} interleaved rounds; both ends of each case in separate processes sharing the ${machine.cpus} cores (same for both libraries)\n\n` +
      out + "\n\n",
  );
  for (const r of results) if (r.note && r.status !== "skipped") process.stdout.write(`${r.id}: ${r.note}\n`);
  const loads = results.flatMap((r) => r.load ?? []);
  if (loads.length > 0) {
    process.stdout.write(`\nload average (1 min) during the cases: ${Math.min(...loads).toFixed(2)} .. ${Math.max(...loads).toFixed(2)} on ${machine.cpus} cores` +
      " (this includes the benchmark's own processes" +
      (Math.max(...loads) > machine.cpus + 1 ? "; well above that, other work was running: treat the figures as rough)" : ")") + "\n");
  }
  process.stdout.write(`\ntotal ${fmtNum(wall, 0)} s\n`);

  if (args.write) {
    const dir = path.resolve(ROOT, args.outDir);
    mkdirSync(dir, { recursive: true });
    const json = { date: new Date().toISOString(), machine, settings: { ...args, only: [...args.only], libs: [...args.libs] }, wallSeconds: wall, results };
    writeFileSync(path.join(dir, "latest.json"), JSON.stringify(json, null, 2) + "\n");
    const subtitle = `${machine.cpus} x ${machine.cpuModel}, node ${machine.node}, libzmq ${libzmq}, ${new Date().toISOString().slice(0, 10)}`;
    writeFileSync(path.join(dir, "ratios.svg"), ratiosSvg(results, subtitle));
    writeFileSync(path.join(dir, "scale.svg"), scaleSvg(results, subtitle));
    const shown = ["latest.json", "ratios.svg", "scale.svg"].map((f) => path.relative(process.cwd(), path.join(dir, f)));
    process.stdout.write(`results: ${shown.join(", ")}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`benchmark run failed: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
