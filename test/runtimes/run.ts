/**
 * Runs the compiled test suite (build/test) under Bun and Deno, the
 * versions package.json pins, with each runtime's own runner of `node:test`
 * files (`bun test`, `deno test`). Each file runs in a process of its own,
 * one at a time, under a deadline; the files of left-out.ts are left out,
 * and said so. The examples run too: test/examples spawns them with the
 * runtime that runs it.
 *
 *   node build/test/runtimes/run.js [bun] [deno]
 *
 * Prints one line per file, then per runtime "NAME: N passed, N failed",
 * and exits 1 if any test failed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { leftOutReason, type RuntimeName } from "./left-out.js";
import { bunCounts, denoJunitCounts, type Counts } from "./results.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BUILD_TEST = join(ROOT, "build", "test");
const BIN = join(ROOT, "node_modules", ".bin");
/** A file still running after this long is killed and counted as failed. */
const FILE_DEADLINE_MS = 240_000;
/** Lines of output shown for a file that failed. */
const TAIL_LINES = 80;

interface Runtime {
  readonly name: RuntimeName;
  /** The command line that runs one compiled test file (a path relative to the root). */
  command(file: string, junit: string): string[];
  counts(output: string, junit: string): Counts;
}

const RUNTIMES: Record<RuntimeName, Runtime> = {
  bun: {
    name: "bun",
    // `./` makes bun test take the argument as a path, not a name filter.
    command: (file) => [join(BIN, "bun"), "test", "--timeout", "120000", `./${file}`],
    counts: (output) => bunCounts(output),
  },
  deno: {
    name: "deno",
    command: (file, junit) => [join(BIN, "deno"), "test", "--allow-all", "--no-check", `--junit-path=${junit}`, file],
    counts: (_output, junit) => {
      try {
        return denoJunitCounts(readFileSync(junit, "utf8"));
      } catch {
        return { passed: 0, failed: 0 };
      }
    },
  },
};

/** The compiled test files, as paths under build/test, sorted. */
function testFiles(dir = BUILD_TEST): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(path));
    else if (entry.name.endsWith(".test.js")) found.push(relative(BUILD_TEST, path));
  }
  return found.sort();
}

function withoutForceColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...rest } = env;
  return rest;
}

/** Runs a command line in its own process group; resolves with its status and output. */
function run(argv: string[]): Promise<{ status: number | null; output: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      // Plain output to read; FORCE_COLOR, whatever its value, makes Deno color console.log.
      env: { ...withoutForceColor(process.env), NO_COLOR: "1" },
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    // The whole group: a test's own children (CLI processes) go too.
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), FILE_DEADLINE_MS);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started });
    });
  });
}

/** The runtime's version, as its binary prints it. */
async function version(runtime: Runtime): Promise<string> {
  const { output } = await run([join(BIN, runtime.name), "--version"]);
  return output.split("\n")[0]!.trim();
}

async function runRuntime(runtime: Runtime): Promise<Counts> {
  const total: Counts = { passed: 0, failed: 0 };
  const scratch = mkdtempSync(join(tmpdir(), `purezmq-${runtime.name}-`));
  const started = performance.now();
  let ran = 0;
  let leftOut = 0;
  console.log(`== ${runtime.name} ${await version(runtime)}`);
  try {
    for (const file of testFiles()) {
      const source = file.replace(/\.js$/, ".ts");
      const reason = leftOutReason(runtime.name, source);
      if (reason !== undefined) {
        leftOut++;
        console.log(`left out  ${source}: ${reason}`);
        continue;
      }
      ran++;
      const junit = join(scratch, `${ran}.xml`);
      const { status, output, ms } = await run(runtime.command(join("build", "test", file), junit));
      const counts = runtime.counts(output, junit);
      // A crash, an uncaught error or the deadline, with no failed test to show for it.
      if (status !== 0 && counts.failed === 0) counts.failed = 1;
      total.passed += counts.passed;
      total.failed += counts.failed;
      const ok = counts.failed === 0;
      console.log(`${ok ? "ok  " : "FAIL"}      ${source}: ${counts.passed} passed, ${counts.failed} failed (${(ms / 1000).toFixed(1)} s)`);
      if (!ok) console.log(output.split("\n").slice(-TAIL_LINES).join("\n"));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${runtime.name}: ${total.passed} passed, ${total.failed} failed (${ran} files in ${seconds} s, ${leftOut} left out)`);
  return total;
}

const asked = process.argv.slice(2);
for (const name of asked) {
  if (!(name in RUNTIMES)) throw new Error(`unknown runtime "${name}"; known: ${Object.keys(RUNTIMES).join(", ")}`);
}
const chosen = (asked.length > 0 ? asked : Object.keys(RUNTIMES)) as RuntimeName[];
const all: Counts = { passed: 0, failed: 0 };
for (const name of chosen) {
  const counts = await runRuntime(RUNTIMES[name]);
  all.passed += counts.passed;
  all.failed += counts.failed;
}
console.log(`runtimes: ${all.passed} passed, ${all.failed} failed`);
process.exitCode = all.failed === 0 && all.passed > 0 ? 0 : 1;
