/**
 * What a million subscriptions cost: 1,000,000 distinct 7-octet topics,
 * held by one peer on the publisher's side ({@link SubscriberIndex}) and
 * counted on the subscriber's ({@link TopicCounts}), must each stay within
 * 64 bytes of memory all in (JS heap and the typed arrays' buffers, after a
 * full collection). Measured in a child process run with --expose-gc, since
 * the test runner's own process cannot collect on demand.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

const BOUND = 64;
const TOPICS = 1_000_000;

/**
 * The child: builds one structure, reports bytes per subscription and a match
 * check. Run from a file, not with `-e` (Deno's `-e` takes only scripts, with
 * neither top-level await nor import()).
 */
const CHILD = `
const { SubscriberIndex, TopicCounts } = await import(process.argv[2]);
const [kind, count] = [process.argv[3], Number(process.argv[4])];
// 7 octets: a bijection of i on the first four (so all distinct), more of i on the rest.
const topic = (i) => {
  const b = Buffer.allocUnsafe(7);
  b.writeUInt32BE(Math.imul(i, 0x9e3779b1) >>> 0, 0);
  b.writeUIntBE((i * 40503) & 0xffffff, 4, 3);
  return b;
};
// The heap and the ArrayBuffers' bytes, each counted once: Node counts
// those bytes outside the heap, in arrayBuffers; Deno in external only (its
// arrayBuffers stays 0); Bun's JavaScriptCore in heapUsed, and reports them
// in arrayBuffers as well.
const settle = async () => {
  for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setTimeout(r, 10)); }
  const m = process.memoryUsage();
  if (process.versions.bun) return m.heapUsed;
  return m.heapUsed + (process.versions.deno ? m.external : m.arrayBuffers);
};
const before = await settle();
const peer = { name: "peer" };
let held;
if (kind === "index") {
  held = new SubscriberIndex();
  for (let i = 0; i < count; i++) held.add(topic(i), peer);
} else {
  held = new TopicCounts();
  for (let i = 0; i < count; i++) held.add(topic(i));
}
const after = await settle();
const probe = Buffer.concat([topic(count >> 1), Buffer.from("payload")]);
const stranger = Buffer.concat([topic(count + 1), Buffer.from("payload")]);
let matched;
if (kind === "index") {
  let hits = 0;
  held.forEachMatch(probe, () => hits++);
  held.forEachMatch(stranger, () => hits += 100);
  matched = hits === 1 && held.cost > 0;
} else {
  matched = held.matches(probe) && !held.matches(stranger) && held.size === count;
}
process.stdout.write(JSON.stringify({ perSubscription: (after - before) / count, matched }));
`;

async function measure(kind: "index" | "counts"): Promise<{ perSubscription: number; matched: boolean }> {
  const module = new URL("../../../src/zmtp/socket/subscriptions.js", import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), "purezmq-subscriptions-"));
  const child = join(dir, "child.mjs");
  writeFileSync(child, CHILD);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", child, module, kind, String(TOPICS)], { timeout: 60_000 });
    return JSON.parse(stdout) as { perSubscription: number; matched: boolean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a publisher holds 1,000,000 subscriptions of 7 octets in at most 64 bytes each", async () => {
  const { perSubscription, matched } = await measure("index");
  assert.ok(matched, "the index matches what it holds, and nothing else");
  assert.ok(perSubscription <= BOUND, `${perSubscription.toFixed(1)} bytes per subscription`);
  assert.ok(perSubscription > 7, `${perSubscription.toFixed(1)} bytes: less than the octets, so not measured`);
});

test("a subscriber counts 1,000,000 topics of 7 octets in at most 64 bytes each", async () => {
  const { perSubscription, matched } = await measure("counts");
  assert.ok(matched, "the counts match what they hold, and nothing else");
  assert.ok(perSubscription <= BOUND, `${perSubscription.toFixed(1)} bytes per subscription`);
  assert.ok(perSubscription > 7, `${perSubscription.toFixed(1)} bytes: less than the octets, so not measured`);
});
