/**
 * The subscription structures against naive models: a counted topic set
 * (subscriber side) and a topic -> peers index (publisher side), under
 * random subscribes, cancels, departures and messages. Topics are drawn
 * from a tiny alphabet so that prefixes overlap often.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PrefixTrie } from "../../../src/zmtp/socket/trie.js";
import { SubscriberIndex, TopicCounts } from "../../../src/zmtp/socket/subscriptions.js";

const octets = fc.uint8Array({ minLength: 0, maxLength: 5, min: 0, max: 3 });
const key = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const isPrefix = (topic: string, data: Uint8Array): boolean => key(data).startsWith(topic);

type CountOp = { kind: "add" | "remove"; topic: Uint8Array } | { kind: "match"; data: Uint8Array };

test("TopicCounts agrees with a naive counted prefix matcher", () => {
  const op: fc.Arbitrary<CountOp> = fc.oneof(
    fc.record({ kind: fc.constantFrom("add" as const, "remove" as const), topic: octets }),
    fc.record({ kind: fc.constant("match" as const), data: fc.uint8Array({ maxLength: 8, min: 0, max: 3 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const real = new TopicCounts();
      const model = new Map<string, number>();
      for (const o of ops) {
        if (o.kind === "add") {
          const n = model.get(key(o.topic)) ?? 0;
          assert.equal(real.add(o.topic), n === 0);
          model.set(key(o.topic), n + 1);
        } else if (o.kind === "remove") {
          const n = model.get(key(o.topic)) ?? 0;
          assert.equal(real.remove(o.topic), n === 1);
          if (n === 1) model.delete(key(o.topic));
          else if (n > 1) model.set(key(o.topic), n - 1);
        } else if ("data" in o) {
          assert.equal(real.matches(o.data), [...model.keys()].some((t) => isPrefix(t, o.data)));
        }
        assert.equal(real.size, model.size);
      }
      const listed: string[] = [];
      real.forEach((t) => listed.push(key(t)));
      assert.deepEqual(listed.sort(), [...model.keys()].sort());
    }),
    { numRuns: 300 },
  );
});

type IndexOp =
  | { kind: "add" | "remove"; peer: number; topic: Uint8Array }
  | { kind: "leave"; peer: number }
  | { kind: "match"; data: Uint8Array };

test("SubscriberIndex agrees with a naive per-peer prefix matcher", () => {
  const peer = fc.integer({ min: 0, max: 4 });
  const op: fc.Arbitrary<IndexOp> = fc.oneof(
    fc.record({ kind: fc.constantFrom("add" as const, "remove" as const), peer, topic: octets }),
    fc.record({ kind: fc.constant("leave" as const), peer }),
    fc.record({ kind: fc.constant("match" as const), data: fc.uint8Array({ maxLength: 8, min: 0, max: 3 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
      const real = new SubscriberIndex<number>();
      const model = new Map<number, Set<string>>();
      const holders = (t: string): number => [...model.values()].filter((s) => s.has(t)).length;
      for (const o of ops) {
        if (o.kind === "add") {
          const t = key(o.topic);
          assert.equal(real.add(o.topic, o.peer), holders(t) === 0, "add reports the first holder");
          if (!model.has(o.peer)) model.set(o.peer, new Set());
          model.get(o.peer)!.add(t);
        } else if (o.kind === "remove") {
          const t = key(o.topic);
          const had = model.get(o.peer)?.has(t) ?? false;
          model.get(o.peer)?.delete(t);
          const expected = !had ? "absent" : holders(t) === 0 ? "last" : "remaining";
          assert.equal(real.remove(o.topic, o.peer), expected);
        } else if (o.kind === "leave") {
          const mine = model.get(o.peer) ?? new Set<string>();
          model.delete(o.peer);
          const expectLast = [...mine].filter((t) => holders(t) === 0).sort();
          const last: string[] = [];
          real.removePeer(o.peer, (t) => last.push(key(t)));
          assert.deepEqual(last.sort(), expectLast);
        } else if ("data" in o) {
          const got = new Set<number>();
          real.forEachMatch(o.data, (p) => got.add(p));
          const want = [...model].filter(([, s]) => [...s].some((t) => isPrefix(t, o.data))).map(([p]) => p);
          assert.deepEqual([...got].sort(), want.sort());
        }
      }
    }),
    { numRuns: 300 },
  );
});

test("the trie prunes removed topics and finds the empty topic as a prefix of everything", () => {
  const trie = new PrefixTrie<string>();
  trie.set(Buffer.from("abc"), "abc");
  trie.set(Buffer.alloc(0), "all");
  const seen: string[] = [];
  trie.forEachPrefixOf(Buffer.from("abcd"), (v) => seen.push(v));
  assert.deepEqual(seen, ["all", "abc"], "shortest first");
  assert.equal(trie.delete(Buffer.from("ab")), false, "an inner node without a value is not a topic");
  assert.equal(trie.delete(Buffer.from("abc")), true);
  assert.equal(trie.get(Buffer.from("abc")), undefined);
  const listed: string[] = [];
  trie.forEach((t) => listed.push(t.toString()));
  assert.deepEqual(listed, [""]);
  assert.equal(trie.hasPrefixOf(Buffer.from("zzz")), true);
  trie.delete(Buffer.alloc(0));
  assert.equal(trie.hasPrefixOf(Buffer.from("zzz")), false);
  assert.equal(trie.size, 0);
});
