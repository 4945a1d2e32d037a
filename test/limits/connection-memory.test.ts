/**
 * What a connection keeps after traffic: 200 DEALERs and their ROUTER in
 * one child process exchange a burst of small messages and a 96 KiB one,
 * twice; once idle again, the ArrayBuffers the process holds over its
 * baseline must stay within 16 KiB per connection (both its ends
 * counted). Without giving batch chunks back, each end of a connection
 * that sent a burst kept a chunk of up to 64 KiB.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runChild } from "../support/run-child.js";

const CHILD = fileURLToPath(new URL("./connection-memory-child.js", import.meta.url));
const CONNECTIONS = 200;
/** The bound per connection (issue 18): 16 KiB of buffers kept after traffic. */
const KEPT_LIMIT = 16 * 1024;

test("a connection keeps at most 16 KiB of ArrayBuffers once idle after traffic", async () => {
  const r = await runChild(process.execPath, ["--expose-gc", CHILD, String(CONNECTIONS)], { timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim()) as { n: number; arrayBuffersPerConnection: number; heapPerConnection: number };
  assert.equal(result.n, CONNECTIONS);
  assert.ok(result.arrayBuffersPerConnection <= KEPT_LIMIT,
    `${Math.round(result.arrayBuffersPerConnection)} octets of ArrayBuffers kept per connection, over ${KEPT_LIMIT}`);
});
