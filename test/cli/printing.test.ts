/**
 * What the command prints of values and text from the network: the bounded
 * JSON printer (the same text as JSON.stringify within its limits, cut
 * beyond them, cycles marked, never recursing) and the escaping of
 * terminal controls.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { TRACE_LIMITS, toJson, type PrintLimits } from "../../src/cli/json-print.js";
import { terminalSafe } from "../../src/cli/terminal-safe.js";
import { LuaBytes } from "../../src/lua-rpc/index.js";

const SMALL: PrintLimits = { depth: 3, chars: 40, string: 8 };

describe("toJson", () => {
  test("prints what JSON.stringify prints, for JSON values within the limits", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        assert.equal(toJson(v), JSON.stringify(v));
      }),
      { numRuns: 300 },
    );
  });

  test("Buffers as hex, bigints as strings, Maps as objects, absent values as JSON.stringify does", () => {
    const v = { b: Buffer.from([1, 255]), n: 2n ** 70n, m: new Map<unknown, unknown>([[1, "one"], ["k", undefined]]), u: undefined, a: [undefined, () => 1] };
    assert.equal(toJson(v), '{"b":{"hex":"01ff"},"n":"1180591620717411303424","m":{"1":"one"},"a":[null,null]}');
    assert.equal(toJson(new Map<unknown, number>([[{ a: 1 }, 1], [new LuaBytes("\xff"), 2], [Buffer.from([1]), 3]])), '{"[table]":1,"ÿ":2,"01":3}');
    assert.equal(toJson(undefined), undefined);
    assert.equal(toJson(NaN), "null");
  });

  test("100,000 nested arrays: cut at the depth limit, no recursion", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(toJson(deep, SMALL), '[[["…(deeper)"]]]');
    assert.equal(toJson(deep, TRACE_LIMITS)!.length, 2 * 32 + '"…(deeper)"'.length);
  });

  test("a cycle is marked where it closes; a shared value that is not a cycle is printed each time", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    const shared = [1];
    assert.equal(toJson({ loop, twice: [shared, shared] }), '{"loop":{"name":"loop","self":"…(cycle)"},"twice":[[1],[1]]}');
    const m = new Map<string, unknown>();
    m.set("me", m);
    assert.equal(toJson([m]), '[{"me":"…(cycle)"}]');
  });

  test("past the size limit, each open container says what it left out; long strings and binary are cut", () => {
    const out = toJson({ list: Array.from({ length: 1000 }, (_, i) => i), after: 1 }, SMALL)!;
    assert.match(out, /^\{"list":\[0,1,2,.*,"…\(\d+ more items\)"\],"…":"1 more entries"\}$/);
    assert.ok(out.length < 100);
    assert.equal(toJson("abcdefghijk", SMALL), '"abcdefgh…(3 more chars)"');
    assert.equal(toJson(Buffer.alloc(10), SMALL), '{"hex":"00000000…(6 more bytes)"}');
    // Exponential sharing stays within the size.
    let fan: unknown = [1];
    for (let i = 0; i < 60; i++) fan = [fan, fan];
    assert.ok(toJson(fan, TRACE_LIMITS)!.length < TRACE_LIMITS.chars + 2000);
  });

  test("the output is JSON with no raw control character, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = toJson({ [s]: s })!;
        assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        assert.deepEqual(JSON.parse(out), { [s]: s });
      }),
    );
  });
});

describe("terminalSafe", () => {
  test("escapes controls, DEL, C1 and bidirectional controls; leaves other text alone", () => {
    assert.equal(terminalSafe("a\x1b[2Jb\n\t\x7f\u009b\u202e\u2066ü€"), "a\\x1b[2Jb\\x0a\\x09\\x7f\\x9b\\u202e\\u2066ü€");
    assert.equal(terminalSafe('plain "text" \\ and JSON {"a":1}'), 'plain "text" \\ and JSON {"a":1}');
  });
});
