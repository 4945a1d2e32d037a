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
import { SUBSCRIPTION_OVERHEAD, SubscriberIndex, TopicCounts } from "../../../src/zmtp/socket/subscriptions.js";

const octets = fc.uint8Array({ minLength: 0, maxLength: 5, min: 0, max: 3 });
const key = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const isPrefix = (topic: string, data: Uint8Array): boolean => key(data).startsWith(topic);

type CountOp = { kind: "add" | "remove"; topic: Uint8Array } | { kind: "match"; data: Uint8Array };
type IndexOp =
  | { kind: "add" | "remove"; peer: number; topic: Uint8Array }
  | { kind: "leave"; peer: number }
  | { kind: "match"; data: Uint8Array };

/** Runs `ops` on a TopicCounts and on a map of topic -> count; they must agree after each (a "leave" is not its business). */
function checkTopicCounts(ops: readonly (CountOp | IndexOp)[]): void {
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
    } else if (o.kind === "match") {
      assert.equal(real.matches(o.data), [...model.keys()].some((t) => isPrefix(t, o.data)));
    }
    assert.equal(real.size, model.size);
  }
  const listed: string[] = [];
  real.forEach((t) => listed.push(key(t)));
  assert.deepEqual(listed, [...model.keys()].sort(), "every topic once, in octet order");
}

/** Runs `ops` on a SubscriberIndex and on per-peer topic sets; they must agree after each, cost included. */
function checkSubscriberIndex(ops: readonly IndexOp[]): void {
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
      const had = model.get(o.peer)?.delete(t) ?? false;
      assert.equal(real.remove(o.topic, o.peer), !had ? "absent" : holders(t) === 0 ? "last" : "remaining");
    } else if (o.kind === "leave") {
      const mine = model.get(o.peer) ?? new Set<string>();
      model.delete(o.peer);
      const last: string[] = [];
      real.removePeer(o.peer, (t) => last.push(key(t)));
      assert.deepEqual(last.sort(), [...mine].filter((t) => holders(t) === 0).sort());
    } else if ("data" in o) {
      const got = new Set<number>();
      real.forEachMatch(o.data, (p) => got.add(p));
      const want = [...model].filter(([, s]) => [...s].some((t) => isPrefix(t, o.data))).map(([p]) => p);
      assert.deepEqual([...got].sort(), want.sort());
    }
    for (const [p, s] of model) assert.deepEqual(real.topicsOf(p).map(key).sort(), [...s].sort(), `topics of peer ${p}`);
    const weight = [...model.values()].reduce((sum, s) => sum + [...s].reduce((w, t) => w + t.length / 2 + SUBSCRIPTION_OVERHEAD, 0), 0);
    assert.equal(real.cost, weight);
  }
}

test("TopicCounts agrees with a naive counted prefix matcher", () => {
  const op: fc.Arbitrary<CountOp> = fc.oneof(
    fc.record({ kind: fc.constantFrom("add" as const, "remove" as const), topic: octets }),
    fc.record({ kind: fc.constant("match" as const), data: fc.uint8Array({ maxLength: 8, min: 0, max: 3 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), checkTopicCounts),
    { numRuns: 300 },
  );
});

test("SubscriberIndex agrees with a naive per-peer prefix matcher", () => {
  const peer = fc.integer({ min: 0, max: 4 });
  const op: fc.Arbitrary<IndexOp> = fc.oneof(
    fc.record({ kind: fc.constantFrom("add" as const, "remove" as const), peer, topic: octets }),
    fc.record({ kind: fc.constant("leave" as const), peer }),
    fc.record({ kind: fc.constant("match" as const), data: fc.uint8Array({ maxLength: 8, min: 0, max: 3 }) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 100 }), checkSubscriberIndex),
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

/**
 * Topics over the whole octet range: many siblings under two shared
 * prefixes (so that nodes pass 48 children, the direct blocks, and fall
 * back), prefixes of each other, the empty topic, and long topics.
 */
const wideTopic: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom("", "sports."), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 2, min: 0, max: 1 }))
      .map(([p, o, tail]) => Buffer.concat([Buffer.from(p), Buffer.from([o]), tail])),
  },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from("sports."), Buffer.from("sports.f")) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 50, maxLength: 300, min: 0, max: 1 }) },
);
/** A message: a topic, maybe cut short or continued. */
const wideMessage: fc.Arbitrary<Uint8Array> = fc
  .tuple(wideTopic, fc.integer({ min: -2, max: 3 }))
  .map(([t, d]) => (d < 0 ? t.subarray(0, Math.max(0, t.length + d)) : Buffer.concat([t, Buffer.alloc(d, 0x7a)])));

const wideOps = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("add" as const), topic: wideTopic, peer: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("remove" as const), topic: wideTopic, peer: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("match" as const), data: wideMessage }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("leave" as const), peer: fc.integer({ min: 0, max: 2 }) }) },
  ),
  { maxLength: 500, size: "max" },
);

test("over the whole octet range, TopicCounts agrees with a map of topic -> count", () => {
  fc.assert(
    fc.property(wideOps, checkTopicCounts),
    { numRuns: 150 },
  );
});

test("over the whole octet range, SubscriberIndex agrees with per-peer topic sets", () => {
  fc.assert(
    fc.property(wideOps, checkSubscriberIndex),
    { numRuns: 100 },
  );
});

test("PrefixTrie: a topic keeps its node id while it is held, and ids of deleted topics come back empty", () => {
  fc.assert(
    fc.property(fc.array(fc.record({ set: fc.boolean(), topic: wideTopic }), { maxLength: 300, size: "max" }), (ops) => {
      const trie = new PrefixTrie<string>();
      const ids = new Map<string, number>();
      for (const o of ops) {
        const t = key(o.topic);
        if (o.set) {
          const id = trie.set(o.topic, t);
          if (ids.has(t)) assert.equal(id, ids.get(t), "setting again keeps the id");
          ids.set(t, id);
        } else {
          assert.equal(trie.delete(o.topic), ids.delete(t));
        }
        for (const [topic, id] of ids) {
          assert.equal(trie.valueAt(id), topic);
          assert.equal(key(trie.topicAt(id)), topic);
          assert.equal(trie.idOf(Buffer.from(topic, "hex")), id);
        }
        assert.ok(trie.nodeCount <= 2 * ids.size + 1);
      }
    }),
    { numRuns: 100 },
  );
});

test("PrefixTrie: 256 siblings in and out in shuffled order, through the direct blocks and back; the pools shrink when empty", () => {
  const trie = new PrefixTrie<number>();
  const empty = trie.poolBytes;
  const order = fc.sample(fc.shuffledSubarray([...Array(256).keys()], { minLength: 256 }), { numRuns: 1, seed: 7 })[0]!;
  const topic = (o: number): Buffer => Buffer.from([0x74, o, 0x2e, o ^ 0x55]);
  const held = new Set<number>();
  const check = (): void => {
    for (let o = 0; o < 256; o++) {
      assert.equal(trie.get(topic(o)), held.has(o) ? o : undefined);
      assert.equal(trie.hasPrefixOf(Buffer.concat([topic(o), Buffer.from("!")])), held.has(o));
    }
    const listed: number[] = [];
    trie.forEach((t, v) => {
      listed.push(v);
      assert.deepEqual(t, topic(v));
    });
    assert.deepEqual(listed, [...held].sort((a, b) => a - b), "in octet order");
  };
  for (const o of order) {
    trie.set(topic(o), o);
    held.add(o);
    if (held.size % 16 === 1 || held.size > 40) check();
  }
  assert.ok(trie.poolBytes > empty);
  for (const o of [...order].reverse().sort((a, b) => (a * 37) % 256 - (b * 37) % 256)) {
    assert.ok(trie.delete(topic(o)));
    held.delete(o);
    if (held.size % 16 === 0 || held.size > 40) check();
  }
  assert.equal(trie.size, 0);
  assert.equal(trie.nodeCount, 1);
  assert.equal(trie.poolBytes, empty, "an empty tree gives its pools back");
});

test("PrefixTrie: every pool is a view of one block, through growth, compaction and emptying (a freed block goes back to the system whole)", () => {
  const trie = new PrefixTrie<number>();
  const pools = ["labelAt", "labelLength", "parent", "kidsAt", "valueSlot", "kidCount", "octets", "kidIds", "kidKeys"];
  const blocks = new Set<ArrayBufferLike>();
  const oneBlock = (): void => {
    const views = pools.map((name) => (trie as unknown as Record<string, Uint8Array>)[name]!);
    const seen = views.map((v) => v.buffer);
    assert.ok(seen.every((b) => b === seen[0]), "one buffer behind every pool");
    assert.equal(views.reduce((sum, v) => sum + v.byteLength, 0), seen[0]!.byteLength, "and nothing else in it");
    assert.equal(trie.poolBytes, seen[0]!.byteLength);
    blocks.add(seen[0]!);
  };
  const topic = (round: number, i: number): Buffer => Buffer.from(`${round}/${i}/`.padEnd(20 + (i % 7), String.fromCharCode(65 + (i % 26))));
  let peak = 0;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 1500; i++) {
      trie.set(topic(round, i), i);
      if (i % 50 === 0) oneBlock();
    }
    peak = Math.max(peak, trie.poolBytes);
    // Nine in ten go: the next round's growth finds the pools mostly abandoned and compacts them.
    for (let i = 0; i < 1500; i++) if (i % 10 !== 0) assert.ok(trie.delete(topic(round, i)));
    oneBlock();
  }
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 1500; i += 10) assert.equal(trie.get(topic(round, i)), i);
    assert.equal(trie.get(topic(round, 1)), undefined);
  }
  assert.ok(blocks.size > 10, `the block was remade as the pools grew (${blocks.size} blocks)`);
  assert.ok(trie.poolBytes < 2 * peak, "compaction keeps the block near the live size");
  for (let round = 0; round < 4; round++) for (let i = 0; i < 1500; i += 10) trie.delete(topic(round, i));
  assert.equal(trie.size, 0);
  oneBlock();
});

test("PrefixTrie: values are held once each in a table, whatever the number of topics holding them, and their slots are reused", () => {
  const trie = new PrefixTrie<object>();
  const internals = trie as unknown as { table: unknown[]; slots: Map<unknown, number> };
  const peers = [{ peer: 1 }, { peer: 2 }, { peer: 3 }];
  const topic = (i: number): Buffer => Buffer.from(`topic/${i}`);
  for (let i = 0; i < 5000; i++) trie.set(topic(i), peers[i % 3]!);
  assert.equal(internals.slots.size, 3);
  assert.ok(internals.table.length <= 4, `a table of ${internals.table.length} slots for 3 values`);
  for (let i = 0; i < 5000; i++) assert.equal(trie.get(topic(i)), peers[i % 3]);
  // Every topic of the second peer goes, then comes back with a value of its own each: its slot is reused first.
  for (let i = 1; i < 5000; i += 3) assert.ok(trie.delete(topic(i)));
  assert.equal(internals.slots.size, 2);
  const own = Array.from({ length: 100 }, (_, k) => ({ own: k }));
  for (let k = 0; k < 100; k++) trie.replaceAt(trie.idOf(topic(3 * k)), own[k]!);
  assert.equal(internals.slots.size, 102);
  assert.ok(internals.table.length <= 104, "the freed slot served again");
  for (let k = 0; k < 100; k++) {
    assert.equal(trie.get(topic(3 * k)), own[k]);
    trie.replaceAt(trie.idOf(topic(3 * k)), peers[0]!);
  }
  assert.equal(internals.slots.size, 2, "a value no topic holds any more leaves the table");
  const seen = new Set<object>();
  trie.forEachPrefixOf(topic(2), (v) => seen.add(v));
  assert.deepEqual([...seen], [peers[2]]);
});
