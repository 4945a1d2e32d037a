/**
 * The command as a user of the packed package meets it: `npm pack`,
 * installed from the tarball into a fresh project, then `npx purezmq
 * --help`, and every command line of the README's command section run in
 * order beside the installed demo, on loopback, with the README's fixed
 * ports mapped to free ones. Each line's `# prints X` is checked, and the
 * trace sample of the README is what the installed tracer prints. The
 * tarball itself: no install script, no source map pointing at a missing
 * file, the changelog shipped.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { installPacked, NPM, ROOT, run } from "../compat/packed-package.js";
import { CliProcess, freePort, runCli } from "../cli/cli-process.js";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The fenced block of `lang` that follows `heading` in the README. */
function blockAfter(heading: string, lang: string): string {
  const from = README.indexOf(heading);
  assert.ok(from >= 0, `README has ${heading}`);
  const m = README.slice(from).match(new RegExp("^```" + lang + "\\n([^]*?)^```$", "m"));
  assert.ok(m, `a ${lang} block after ${heading}`);
  return m[1]!;
}

/** Splits a command line as a shell would, for the quoting the README uses ('...' and "..."). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

let project = "";
let bin = "";

before(async () => {
  // The module the README serves, as the README writes it.
  const js = blockAfter("## The command", "js");
  const name = js.match(/^\/\/ (\S+\.js)\n/)?.[1];
  assert.ok(name, "the README's module block starts with its file name");
  project = (await installPacked("purezmq-cli-", { [name]: js })).dir;
  bin = join(project, "node_modules", ".bin", "purezmq");
});

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs the installed command from the project. */
function start(args: string[]): CliProcess {
  return new CliProcess(args, bin, project);
}

describe("the packed package", () => {
  test("installs without install scripts and ships no dangling source map, and the changelog", () => {
    const pkgDir = join(project, "node_modules", "purezmq");
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    for (const script of ["preinstall", "install", "postinstall", "prepare"]) assert.equal(pkg.scripts?.[script], undefined, `a ${script} script`);
    assert.ok(existsSync(join(pkgDir, "CHANGELOG.md")));
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    })(pkgDir);
    assert.ok(files.some((f) => f.endsWith("index.js")));
    for (const map of files.filter((f) => f.endsWith(".map"))) {
      const { sources } = JSON.parse(readFileSync(map, "utf8")) as { sources: string[] };
      for (const source of sources) assert.ok(existsSync(resolve(dirname(map), source)), `${map} points at ${source}, not shipped`);
    }
  });

  test("npx purezmq --help lists the commands", async () => {
    // As the README writes it; offline, so that only the installed package can answer.
    const { stdout } = await run(NPM === "npm" ? "npx" : "npx.cmd", ["purezmq", "--help"], { cwd: project, env: { ...process.env, npm_config_offline: "true" } });
    assert.match(stdout, /^usage: purezmq <command>/);
    for (const name of ["demo", "call", "serve", "sub", "pub", "lua", "trace"]) assert.match(stdout, new RegExp(`^ {2}${name} `, "m"));
  });

  test("every command line of the README works, as written, beside the demo", async () => {
    const demo = start(["demo", "--rpc", "tcp://127.0.0.1:0", "--pub", "tcp://127.0.0.1:0", "--lua", "127.0.0.1:0"]);
    const running: CliProcess[] = [demo];
    try {
      const [, rpc] = await demo.waitForMatch(/^RPC server .* on tcp:\/\/127\.0\.0\.1:(\d+):/);
      const [, pub] = await demo.waitForMatch(/^PUB on tcp:\/\/127\.0\.0\.1:(\d+):/);
      const [, lua] = await demo.waitForMatch(/^Lua RPC peer on 127\.0\.0\.1:(\d+):/);
      // The README's ports: the demo's defaults, and others a free port each.
      const ports = new Map<string, string>([["8004", rpc!], ["8005", pub!], ["1999", lua!]]);
      const mapPorts = async (text: string): Promise<string> => {
        for (const [, port] of text.matchAll(/127\.0\.0\.1:(\d+)/g)) {
          if (!ports.has(port!)) ports.set(port!, String(await freePort()));
        }
        return text.replace(/127\.0\.0\.1:(\d+)/g, (_, port: string) => `127.0.0.1:${ports.get(port)}`);
      };
      const lines = blockAfter("## The command", "sh").split("\n").filter((l) => l.startsWith("npx purezmq "));
      assert.ok(lines.length >= 8, `found ${lines.length} command lines`);
      for (const line of lines) {
        const [command, comment = ""] = line.split(/\s+# /);
        const args = words(await mapPorts(command!)).slice(2);
        const prints = comment.match(/^prints (.*?)(?: \(.*\))?:?$/)?.[1];
        if (args[0] === "call" || args[0] === "lua") {
          const r = await runCli(args, 15_000, bin);
          assert.equal(r.status, 0, `${line}: ${r.stderr}`);
          if (prints !== undefined) assert.equal(r.stdout, prints, line);
          continue;
        }
        const proc = start(args);
        running.push(proc);
        // Ready once it printed something (a banner, a message, "waiting on...").
        await proc.waitFor(() => (proc.stdout.length + proc.stderr.length > 0 ? true : undefined), `${line} to start`);
        if (prints !== undefined) await proc.waitForMatch(new RegExp(`^${prints.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
      }
      // The README's trace sample is what the tracer prints for the call it names.
      const trace = running.find((p) => p.child.spawnargs.includes("trace"))!;
      const through = README.match(/`npx purezmq call (tcp:\/\/127\.0\.0\.1:\d+ echo\s+'[^']*' x)`/)![1]!.replace(/\s+/g, " ");
      assert.equal((await runCli(words(await mapPorts(`call ${through}`)), 15_000, bin)).status, 0);
      const sample = README.slice(README.indexOf(through.split(" ")[0]!)).match(/^```\n(#1 [^]*?)^```$/m)![1]!.trimEnd().split("\n");
      const same = (l: string): string => l.replace(/from 127\.0\.0\.1:\d+/, "from PEER").replace(/4B [0-9a-f]{8} ".{4}"/g, "4B ID");
      const printed = await trace.waitFor(() => (trace.stdout.some((l) => l === "#1 close") ? trace.stdout.filter((l) => l.startsWith("#1 ")) : undefined), "the traced call");
      // Each direction in its order; the two directions interleave as the peers' writes do.
      const byDirection = (ls: string[]): string[][] => [ls.filter((l) => !l.includes(" s>c ")), ls.filter((l) => l.includes(" s>c "))];
      assert.deepEqual(byDirection(printed.map(same)), byDirection(sample.map(same)));
      // pub published and ended by itself.
      const published = await running.find((p) => p.child.spawnargs.includes("pub"))!.exited;
      assert.equal(published.status, 0, published.stderr);
    } finally {
      for (const p of running.reverse()) {
        const ended = await p.stop("SIGINT");
        assert.ok(ended.status === 0 || ended.status === 130, `${p.child.spawnargs.join(" ")}: ${ended.status} ${ended.stderr}`);
      }
    }
  });
});
