/**
 * One hostile peer against each RPC bound, at small scale, each attack in a
 * child process of its own so that its memory is its own (the attacks and
 * their full-scale runs: `fuzz/attacks/`). Each must leave the server
 * answering a good client, stay under a memory ceiling computed from the
 * configured limits, be refused or cut at its bound, and raise nothing
 * uncaught.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RPC_ATTACKS } from "../../fuzz/attacks/rpc-attacks.js";
import { describeFigures, held, runInChild } from "../../fuzz/attacks/rpc-measure.js";

for (const name of Object.keys(RPC_ATTACKS)) {
  test(`attack ${name}: bounded, good client served, memory under its ceiling`, async () => {
    const f = await runInChild("rpc", name, "small", 60_000);
    assert.ok(!("failed" in f), "failed" in f ? f.failed : "");
    assert.ok(held(f), describeFigures(f));
  });
}
