/**
 * Runs every example of examples/ (compiled to build/examples/) as a child
 * process: each must end by itself with status 0 and print what its
 * comments promise, so that the examples cannot rot. They import the
 * package by its name, as a user's copy of them would (the package name
 * resolves to its own dist/ through its exports map).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";

const DIR = fileURLToPath(new URL("../../examples/", import.meta.url));
const SOURCES = fileURLToPath(new URL("../../../examples/", import.meta.url));

/** What an example may import: the package's entry points and Node's own modules. */
const IMPORTABLE = /^(purezmq|purezmq\/rpc|purezmq\/lua-rpc|node:[\w/]+)$/;

/**
 * Each example and lines its output must contain. Where an example prints
 * a value with console.log, either quote style is accepted: Node quotes
 * strings inside arrays with ', Bun and Deno with ".
 */
const EXPECTED: Record<string, RegExp[]> = {
  "reqrep.js": [/^hello Ada!$/m, /^hello Grace!$/m],
  "pubsub.js": [/^weather\/(paris|oslo) \d+ C$/m],
  "pipeline.js": [/^worker A: \d\^2 = \d+$/m, /^worker B: \d\^2 = \d+$/m, /^sum of squares: 91$/m],
  "router-dealer.js": [/^job 1 done for alpha$/m, /^job 2 done for beta$/m],
  "plain-auth.js": [/^welcome, admin$/m, /^refused: Authentication failure: .*refused our credentials/m],
  "rpc-calculator.js": [/^35$/m, /^0\.25$/m, /^RangeError: division by zero$/m, /^\[ 3, (['"])failed: RangeError: division by zero\1 \]$/m],
  "rpc-pubsub.js": [/^temperature\/room[01]: t[01] \d+\.\d C$/m],
  "lua-rpc.js": [/^server: example client connected$/m, /^math\.max\(1, 2\.5, -3\) = 2\.5$/m, /^divmod\(17, 5\) = 3, 2$/m, /^config\.version = 1\.4$/m],
};

function run(file: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [DIR + file], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

describe("examples", { concurrency: 3 }, () => {
  test("every example has expected output listed here", () => {
    const built = readdirSync(DIR).filter((f) => f.endsWith(".js"));
    assert.deepEqual(built.sort(), Object.keys(EXPECTED).sort());
  });

  test("every example imports the package by its name, so that it can be copied as it is", () => {
    const sources = readdirSync(SOURCES).filter((f) => f.endsWith(".ts"));
    assert.equal(sources.length, Object.keys(EXPECTED).length);
    for (const file of sources) {
      const specifiers = [...readFileSync(SOURCES + file, "utf8").matchAll(/^import [^;]*? from "([^"]+)";$/gms)].map((m) => m[1]!);
      assert.ok(specifiers.some((s) => s.startsWith("purezmq")), `${file} imports purezmq`);
      for (const s of specifiers) assert.match(s, IMPORTABLE, `${file} imports ${s}`);
    }
  });

  for (const [file, lines] of Object.entries(EXPECTED)) {
    test(file, async () => {
      const { status, stdout, stderr } = await run(file);
      assert.equal(status, 0, `exit status; stderr: ${stderr}`);
      assert.equal(stderr, "");
      for (const line of lines) assert.match(stdout, line);
    });
  }
});
