/**
 * Installing from git, as the README's Install section says: npm clones
 * the repository, installs its development dependencies there and builds
 * dist/ (the `preprepare` script; npm runs no `prepack` for a git
 * dependency), then installs the result. The committed state is installed
 * (HEAD of this clone); the dependencies come from the npm cache.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { NPM, ROOT, run } from "../compat/packed-package.js";

let project = "";

after(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test("npm install git+file://... builds dist/ and the package and its command work", async () => {
  const { stdout: head } = await run("git", ["rev-parse", "HEAD"], { cwd: ROOT });
  project = mkdtempSync(join(tmpdir(), "purezmq-git-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "git-check", private: true }));
  writeFileSync(join(project, "check.mjs"), `
    import { Pair } from "purezmq";
    import { RpcServer } from "purezmq/rpc";
    console.log(typeof Pair, typeof RpcServer);
  `);
  const spec = `git+${pathToFileURL(ROOT).href.replace(/\/$/, "")}#${head.trim()}`;
  const { stderr } = await run(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", spec], { cwd: project, maxBuffer: 16 * 1024 * 1024 });
  assert.doesNotMatch(stderr, /allowScripts|install script/i);
  const installed = join(project, "node_modules", "purezmq");
  assert.equal(JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).name, "purezmq");
  assert.equal((await run(process.execPath, ["check.mjs"], { cwd: project })).stdout, "function function\n");
  const { stdout } = await run(process.execPath, [join(project, "node_modules", ".bin", "purezmq"), "--version"], { cwd: project });
  assert.match(stdout, /^\d+\.\d+\.\d+/);
});
