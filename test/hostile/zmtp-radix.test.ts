/**
 * The radix tree under the subscriptions, against a naive model, with the
 * two properties a hostile peer tests: it stays compact (at most twice as
 * many nodes as topics, whatever their length) and no operation recurses
 * (topics of a megabyte, and thousands of nested prefixes, walk fine).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { PrefixTrie } from "../../src/zmtp/socket/trie.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

type Op =
  | { kind: "set" | "delete" | "get"; topic: Uint8Array }
  | { kind: "match"; data: Uint8Array };

test("PrefixTrie agrees with a map of topics, and keeps at most 2n+1 nodes for n topics", () => {
  // A tiny alphabet and long topics: labels split and merge all the time.
  const octets = fc.uint8Array({ maxLength: 12, min: 0, max: 2 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom("set" as const, "delete" as const, "get" as const), topic: octets }),
    fc.record({ kind: fc.constant("match" as const), data: fc.uint8Array({ maxLength: 16, min: 0, max: 2 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const trie = new PrefixTrie<string>();
      const model = new Map<string, string>();
      ops.forEach((o, i) => {
        if (o.kind === "set") {
          trie.set(o.topic, `v${i}`);
          model.set(hex(o.topic), `v${i}`);
        } else if (o.kind === "delete") {
          assert.equal(trie.delete(o.topic), model.delete(hex(o.topic)));
        } else if (o.kind === "get") {
          assert.equal(trie.get(o.topic), model.get(hex(o.topic)));
        } else if ("data" in o) {
          const want = [...model].filter(([t]) => hex(o.data).startsWith(t)).sort((a, b) => a[0].length - b[0].length).map(([, v]) => v);
          const got: string[] = [];
          trie.forEachPrefixOf(o.data, (v) => got.push(v));
          assert.deepEqual(got, want, "every prefix, shortest first");
          assert.equal(trie.hasPrefixOf(o.data), want.length > 0);
        }
        assert.equal(trie.size, model.size);
        assert.ok(trie.nodeCount <= 2 * model.size + 1, `${trie.nodeCount} nodes for ${model.size} topics`);
      });
      const listed = new Map<string, string>();
      trie.forEach((t, v) => listed.set(hex(t), v));
      assert.deepEqual([...listed].sort(), [...model].sort());
    }),
    { numRuns: 400 },
  );
});

test("no recursion: a 1 MiB topic and 5,000 nested prefixes of a long topic", () => {
  const trie = new PrefixTrie<number>();
  const huge = Buffer.alloc(1024 * 1024, 0x61);
  trie.set(huge, 1);
  assert.equal(trie.nodeCount, 2, "one node for the whole topic");
  assert.equal(trie.get(huge), 1);
  assert.equal(trie.hasPrefixOf(Buffer.concat([huge, Buffer.from("x")])), true);
  let listed = 0;
  trie.forEach((t) => (listed += t.length));
  assert.equal(listed, huge.length);

  const long = Buffer.alloc(5000);
  for (let i = 0; i < long.length; i++) long[i] = 0x30 + (i % 10);
  for (let n = 1; n <= long.length; n++) trie.set(long.subarray(0, n), n);
  let seen = 0;
  trie.forEachPrefixOf(long, () => seen++);
  assert.equal(seen, 5000);
  let count = 0;
  trie.forEach(() => count++);
  assert.equal(count, 5001);
  // Removing them in any order merges the nodes back.
  for (let n = 1; n <= long.length; n += 2) assert.ok(trie.delete(long.subarray(0, n)));
  for (let n = long.length; n >= 2; n -= 2) assert.ok(trie.delete(long.subarray(0, n)));
  assert.ok(trie.delete(huge));
  assert.equal(trie.size, 0);
  assert.equal(trie.nodeCount, 1);
});

test("a topic is copied: the tree keeps neither the caller's buffer nor views of it", () => {
  const trie = new PrefixTrie<string>();
  const chunk = Buffer.from("xxsports.football.resultsyy");
  trie.set(chunk.subarray(2, 25), "t");
  chunk.fill(0x7a);
  assert.equal(trie.get(Buffer.from("sports.football.results")), "t");
});
