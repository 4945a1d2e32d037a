/**
 * The README's example of the `connect` option runs as written: the block
 * under "Any byte stream", with `purezmq` pointing at this build, run by
 * the runtime that runs this test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { blockAfter } from "../../support/readme-block.js";
import { runChild } from "../../support/run-child.js";

/**
 * Where the example is written: inside the build, not the system's temporary
 * directory. Deno resolves the npm packages the library imports
 * (@msgpack/msgpack) only for a program inside the project, as a user's is.
 */
const BUILD = fileURLToPath(new URL("../../../", import.meta.url));
const INDEX = pathToFileURL(fileURLToPath(new URL("../../../src/index.js", import.meta.url))).href;

test("the README's `connect` example prints the reply it promises", async (t) => {
  const code = blockAfter("### Any byte stream: the `connect` option");
  assert.match(code, /from "purezmq";/);
  const dir = mkdtempSync(join(BUILD, "readme-connect-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "connect-example.mjs");
  writeFileSync(file, code.replace('from "purezmq";', `from ${JSON.stringify(INDEX)};`));
  const { status, stdout, stderr } = await runChild(process.execPath, [file], { timeout: 20_000 });
  assert.equal(status, 0, stderr);
  assert.equal(stdout, "hello back\n");
});
