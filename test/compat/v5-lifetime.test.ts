/**
 * Process lifetime under the v5 API, differentially: the same script
 * (fixtures/v5-lifetime.ts) run against zeromq/v5-compat and against
 * purezmq's ends the same way. A socket that can receive waits for
 * messages until it is closed, so it keeps the process alive (REQ and REP
 * included, whose reads purezmq makes only in turn); a send-only socket
 * (PUSH, PUB) does not; a closed socket does not.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runChild } from "../support/run-child.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/v5-lifetime.js", import.meta.url));

async function ending(lib: string, type: string, mode: string): Promise<{ status: number | null; stdout: string[]; stderr: string }> {
  const { status, stdout, stderr } = await runChild(process.execPath, [FIXTURE, lib, type, mode], { timeout: 15_000 });
  return { status, stdout: stdout.trim().split("\n"), stderr };
}

const CASES: Array<[type: string, mode: string, stdout: string[]]> = [
  ["pull", "open", ["still running", "exit"]],
  ["sub", "open", ["still running", "exit"]],
  ["dealer", "open", ["still running", "exit"]],
  ["rep", "open", ["still running", "exit"]],
  ["req", "open", ["still running", "exit"]],
  ["push", "open", ["exit"]],
  ["pub", "open", ["exit"]],
  ["pull", "closed", ["exit"]],
  ["req", "closed", ["exit"]],
];

for (const [type, mode, stdout] of CASES) {
  test(`a v5 ${type} socket left ${mode}: ${stdout.length > 1 ? "the process stays up until it is closed" : "the process ends"}, as with zeromq`, async () => {
    const [native, ours] = await Promise.all([ending("zeromq", type, mode), ending("purezmq", type, mode)]);
    assert.deepEqual(native, { status: 0, stdout, stderr: "" }, "zeromq");
    assert.deepEqual(ours, { status: 0, stdout, stderr: "" }, "purezmq");
  });
}
