/**
 * Differential runs whose native side must be in a child process: a
 * zeromq.js socket or context whose constructor throws after libzmq made
 * it (an unknown option, a subclass field) is never closed, and the
 * process then hangs or crashes at exit. The child prints the native
 * outcome as JSON, then kills itself.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as ours from "../../src/index.js";
import type { Zmq } from "./differential.js";

const run = promisify(execFile);

/** A body that both libraries run; it must return JSON data and close what it opens. */
export type ChildBody = (zmq: Zmq) => unknown;

/**
 * Registers a test: `bodies[name]` (from the built module `moduleUrl`) runs
 * against zeromq in a child process and against purezmq here; the outcomes
 * must be equal, and the native one equal to `expected` when given.
 */
export function sameInChild(title: string, moduleUrl: string, name: string, bodies: Record<string, ChildBody>, expected?: unknown): void {
  test(title, async () => {
    const script = [
      'import * as zmq from "zeromq";',
      `const { bodies } = await import(${JSON.stringify(moduleUrl)});`,
      `const outcome = JSON.stringify(await bodies[${JSON.stringify(name)}](zmq));`,
      // Writes to a pipe are synchronous; killing the child skips zeromq.js's wait at exit.
      'process.stdout.write(outcome, () => process.kill(process.pid, "SIGKILL"));',
    ].join("\n");
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../../..", moduleUrl)),
      timeout: 20_000,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? "" }));
    assert.notEqual(stdout, "", "the native child printed no outcome");
    const native: unknown = JSON.parse(stdout);
    if (expected !== undefined) assert.deepStrictEqual(native, expected, "native outcome");
    const purezmq: unknown = JSON.parse(JSON.stringify(await bodies[name]!(ours)));
    assert.deepStrictEqual(purezmq, native, "purezmq's outcome differs from zeromq's");
  });
}
