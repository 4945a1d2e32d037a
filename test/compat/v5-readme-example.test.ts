/**
 * The example of zeromq.js's README for its v5 compatibility layer, taken
 * from the installed `zeromq` package's README as it is, run with its
 * import switched to `purezmq/v5-compat`, and, for comparison, as it is:
 * both must print the same and end. Its fixed port (3456) is the one thing
 * changed besides the import: a free one, so that a parallel test or a
 * local service cannot make it fail. The example never ends by itself (its
 * SUB waits for messages), so the test appends a few lines that report
 * the bind and the connection, then close both sockets; the process must
 * then end by itself.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { runChild } from "../support/run-child.js";
import { freePort } from "../zmtp/sockets/helpers.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const NATIVE_IMPORT = 'require("zeromq/v5-compat")';

/** The README's v5 example: the js code block that requires `zeromq/v5-compat`. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, "node_modules", "zeromq", "README.md"), "utf8");
  const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes(NATIVE_IMPORT));
  assert.ok(block, "zeromq's README has a v5 example");
  return block;
}

/** What the test appends: report the bind and the connection, then close. */
const EPILOGUE = `
;pub.on("bind", (address) => console.log("pub bound", address));
sub.monitor();
sub.on("connect", (value, address) => {
  console.log("sub connected", address);
  pub.close();
  sub.close();
});
process.on("exit", (code) => console.log("exit", code));
`;

async function runExample(source: string, name: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Inside the package, so that `purezmq/v5-compat` resolves to this package's build.
  const file = join(ROOT, "build", `readme-v5-example-${name}.cjs`);
  writeFileSync(file, source + EPILOGUE);
  try {
    return await runChild(process.execPath, [file], { cwd: ROOT, timeout: 20_000 });
  } finally {
    rmSync(file, { force: true });
  }
}

test("zeromq.js's README v5 example runs unchanged with the import switched, as it runs with zeromq", async () => {
  const written = readmeExample();
  assert.match(written, /:3456\b/, "the example binds port 3456");
  const port = await freePort();
  const example = written.replaceAll(":3456", `:${port}`);
  const native = await runExample(example, "zeromq");
  const ours = await runExample(example.replace(NATIVE_IMPORT, 'require("purezmq/v5-compat")'), "purezmq");
  const expected = [`pub bound tcp://*:${port}`, `sub connected tcp://127.0.0.1:${port}`, "exit 0"];
  assert.deepEqual({ status: native.status, lines: native.stdout.trim().split("\n"), stderr: native.stderr }, { status: 0, lines: expected, stderr: "" });
  assert.deepEqual({ status: ours.status, lines: ours.stdout.trim().split("\n"), stderr: ours.stderr }, { status: 0, lines: expected, stderr: "" });
});
