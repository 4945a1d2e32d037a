/**
 * luatobin codec: tags, numbers, strings, tables, back-references, the
 * JavaScript mapping and the typed decode errors.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  decode,
  decodeMany,
  encode,
  encodeMany,
  LocalObjectRef,
  LuaBytes,
  LuaDecodeError,
  LuaEncodeError,
  LuaFunction,
  LuaMulti,
  LuaReader,
  LuaTable,
  LuaWriter,
  multi,
  RemoteObjectRef,
  type LuaValue,
} from "../../src/lua-rpc/index.js";
import { hex, spec } from "./helpers.js";

const enc = (v: unknown) => hex(encode(v));

test("scalars: nil, booleans, int32 vs float64 exactly as Lua chooses", () => {
  assert.equal(enc(null), "00");
  assert.equal(enc(undefined), "00");
  assert.equal(enc(true), "01 01");
  assert.equal(enc(false), "01 00");
  assert.equal(enc(1), "07 00 00 00 01");
  assert.equal(enc(-3), "07 ff ff ff fd");
  assert.equal(enc(0), "07 00 00 00 00");
  assert.equal(enc(2147483647), "07 7f ff ff ff");
  assert.equal(enc(-2147483648), "07 80 00 00 00");
  assert.equal(enc(2147483648), "03 41 e0 00 00 00 00 00 00");
  assert.equal(enc(2 ** 32), "03 41 f0 00 00 00 00 00 00");
  assert.equal(enc(-0), "03 80 00 00 00 00 00 00 00");
  assert.equal(enc(2.5), "03 40 04 00 00 00 00 00 00");
  assert.equal(enc(Infinity), "03 7f f0 00 00 00 00 00 00");
  assert.equal(enc(-Infinity), "03 ff f0 00 00 00 00 00 00");
  assert.equal(enc(NaN).slice(0, 2), "03");
  assert.equal(enc(5n), "07 00 00 00 05");
  assert.equal(enc(2n ** 40n), "03 42 70 00 00 00 00 00 00");
  assert.throws(() => encode(2n ** 60n + 1n), LuaEncodeError);
  assert.equal(decode(spec("01 07")), true, "any non-zero octet is true");
  assert.equal(decode(spec("07 fffffffd")), -3);
  assert.ok(Object.is(decode(spec("03 8000000000000000")), -0));
  assert.ok(Number.isNaN(decode(encode(NaN))));
  assert.equal(decode(encode(2 ** 53)), 2 ** 53);
  assert.equal(decode(encode(-Infinity)), -Infinity);
});

test("strings: u16 length, limit 65534 octets, UTF-8 and raw octets", () => {
  assert.equal(enc("a"), "04 00 01 61");
  assert.equal(enc(""), "04 00 00");
  assert.equal(enc("é"), "04 00 02 c3 a9");
  const max = "x".repeat(65534);
  assert.equal(decode(encode(max)), max);
  assert.throws(() => encode("x".repeat(65535)), (e: unknown) => e instanceof LuaEncodeError && e.code === "ERR_LUA_ENCODE" && /65535/.test(e.message));
  assert.throws(() => encode("é".repeat(32768)), LuaEncodeError, "65536 octets");
  assert.throws(() => encode(new LuaBytes(Buffer.alloc(65535))), LuaEncodeError);
  assert.throws(() => encode("a\ud800b"), /lone UTF-16 surrogate/);
  assert.equal(decode(encode("😀")), "😀");

  const raw = spec("04 0003 ff 00 c3");
  const v = decode(raw);
  assert.ok(v instanceof LuaBytes);
  assert.equal(v.length, 3);
  assert.equal(v.isUtf8(), false);
  assert.equal(hex(encode(v)), hex(raw));
  assert.equal(v.toString("hex"), "ff00c3");
  assert.ok(v.equals(Buffer.from([0xff, 0, 0xc3])));
  assert.ok(!v.equals("abc"));
  assert.equal(hex(encode(Buffer.from("hi"))), "04 00 02 68 69");
  assert.equal(hex(encode(new Uint8Array([0xfe]))), "04 00 01 fe");
  assert.ok(new LuaBytes("\xff").equals(new LuaBytes(Buffer.from([0xff]))));

  const asBytes = decode(spec("04 0002 6869"), { strings: "bytes" });
  assert.ok(asBytes instanceof LuaBytes && asBytes.isUtf8() && asBytes.toString() === "hi");
});

test("tables: the spec example, arrays, objects, Maps", () => {
  assert.equal(enc({ a: "a" }), hex(spec("05 0001 04 0001 61 14 0002")));
  assert.deepEqual(decode(spec("05 0001 04 0001 61 14 0002")), { a: "a" });
  assert.equal(enc(["x", "y"]), hex(spec("05 0002 07 00000001 04 0001 78 07 00000002 04 0001 79")));
  assert.deepEqual(decode(encode(["x", "y"])), ["x", "y"]);
  assert.equal(enc([]), "05 00 00");
  assert.equal(enc({}), "05 00 00");
  assert.deepEqual(decode(spec("05 0000")), []);
  // nil elements are holes, as in Lua
  assert.equal(enc([1, null, 3]), hex(spec("05 0002 07 00000001 07 00000001 07 00000003 07 00000003")));
  assert.deepEqual(decode(encode([1, null, 3])), new Map([[1, 1], [3, 3]]));
  assert.equal(enc({ a: 1, b: undefined }), hex(spec("05 0001 04 0001 61 07 00000001")));
  // keys 1..n in any order are an array
  assert.deepEqual(decode(spec("05 0002 07 00000002 04 0001 62 07 00000001 04 0001 61")), ["a", "b"]);
  // mixed keys are a Map, in wire order
  const m = decode(spec("05 0003 07 00000001 04 0001 61 04 0001 6b 01 01 01 01 07 00000005"));
  assert.deepEqual(m, new Map<LuaValue, LuaValue>([[1, "a"], ["k", true], [true, 5]]));
  assert.deepEqual(decode(encode(new Map<unknown, unknown>([[0, "zero"], [2.5, "f"], [false, 1]]))), new Map<LuaValue, LuaValue>([[0, "zero"], [2.5, "f"], [false, 1]]));
  // string keys that look like numbers stay strings
  assert.deepEqual(decode(encode({ 1: "a" })), { 1: "a" });
  // Map entries with nil values are not sent; nil / NaN keys are refused
  assert.equal(enc(new Map([["a", null]])), "05 00 00");
  assert.throws(() => encode(new Map([[null, 1]])), /key is nil/);
  assert.throws(() => encode(new Map([[NaN, 1]])), /NaN/);
  // __proto__ as a key is data
  const p = decode(spec('05 0001 04 0009 "__proto__" 07 00000001')) as Record<string, LuaValue>;
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.keys(p), ["__proto__"]);
  assert.equal(hex(encode(p)), hex(spec('05 0001 04 0009 "__proto__" 07 00000001')));
  // duplicated keys: the last one wins, as in Lua
  assert.deepEqual(decode(spec("05 0002 04 0001 61 07 00000001 14 0002 07 00000002")), { a: 2 });
  assert.deepEqual(decode(spec("05 0003 07 00000001 01 01 07 00000001 01 00 07 00000002 00")), [false]);
  // pairs with a nil value are dropped
  assert.deepEqual(decode(spec("05 0002 07 00000001 00 04 0001 61 00")), []);
  assert.deepEqual(decode(spec("05 0002 04 0001 61 00 04 0001 62 07 00000001")), { b: 1 });
  // null-prototype objects encode like plain objects
  const np = Object.create(null) as Record<string, number>;
  np.z = 1;
  assert.equal(enc(np), enc({ z: 1 }));
});

test("back-references: pre-order numbering, shared and self-referencing tables", () => {
  const t = { k: 1 };
  // [t, t]: outer table #1, t #2, "k" #3
  assert.equal(enc([t, t]), hex(spec("05 0002 07 00000001 05 0001 04 0001 6b 07 00000001 07 00000002 14 0002")));
  const shared = decode(encode([t, t])) as LuaValue[];
  assert.equal(shared[0], shared[1]);
  const self: Record<string, unknown> = { name: "self" };
  self.me = self;
  assert.equal(enc(self), hex(spec('05 0002 04 0004 "name" 04 0004 "self" 04 0002 "me" 14 0001')));
  const back = decode(encode(self)) as Record<string, unknown>;
  assert.equal(back.me, back);
  assert.equal(back.name, "self");
  // a self-referencing array and a table used as its own key
  const arr: unknown[] = [];
  arr.push(arr, "x");
  const a2 = decode(encode(arr)) as unknown[];
  assert.equal(a2[0], a2);
  const mk = new Map<unknown, unknown>();
  mk.set(mk, "me");
  const mk2 = decode(encode(mk)) as Map<unknown, unknown>;
  assert.equal(mk2.get(mk2), "me");
  // equal strings by value, the cache restarts for every top-level object
  assert.equal(hex(encodeMany(["s", "s"])), "04 00 01 73 04 00 01 73");
  assert.equal(enc(["s", "s"]), hex(spec("05 0002 07 00000001 04 0001 73 07 00000002 14 0002")));
  assert.equal(enc([new LuaBytes("s"), "s"]), hex(spec("05 0002 07 00000001 04 0001 73 07 00000002 14 0002")));
  assert.equal(enc([new LuaBytes("\xff"), new LuaBytes("\xff")]), hex(spec("05 0002 07 00000001 04 0001 ff 07 00000002 14 0002")));
  // functions by identity
  const f = new LuaFunction(Buffer.from([0x1b, 0x4c]));
  assert.equal(enc([f, f, new LuaFunction(Buffer.from([0x1b, 0x4c]))]), hex(spec("05 0003 07 00000001 06 0002 1b4c 07 00000002 14 0002 07 00000003 06 0002 1b4c")));
  const fs = decode(encode([f, f])) as LuaValue[];
  assert.ok(fs[0] instanceof LuaFunction && fs[0] === fs[1]);
  assert.equal(hex(fs[0].bytecode), "1b 4c");
  // a back-reference to a table that was the key of a dropped pair
  assert.deepEqual(decode(spec("05 0002 05 0000 00 04 0001 61 14 0002")), { a: [] });
});

test("exact tables: LuaTable keeps pairs, order and nil values", () => {
  const wire = spec("05 0003 07 00000002 04 0001 62 07 00000001 04 0001 61 04 0001 6e 00");
  const t = decode(wire, { tables: "exact" });
  assert.ok(t instanceof LuaTable);
  assert.equal(t.size, 3);
  assert.equal(t.get(1), "a");
  assert.equal(t.get("n"), null);
  assert.equal(t.get("zz"), undefined);
  assert.equal(hex(encode(t)), hex(wire));
  t.set(1, "A").set("new", true);
  assert.equal(t.get(1), "A");
  assert.equal(t.size, 4);
  const self = decode(spec("05 0001 04 0001 61 14 0001"), { tables: "exact" }) as LuaTable;
  assert.equal(self.get("a"), self);
  const bk = new LuaTable([[new LuaBytes("k"), 1]]);
  assert.equal(bk.get("k"), 1);
  assert.equal(new LuaTable([["k", 1]]).get(new LuaBytes("k")), 1);
  assert.equal(new LuaTable([[NaN, 1]]).get(NaN), 1);
  assert.throws(() => encode(new LuaTable([[null, 1]])), LuaEncodeError);
});

test("object references: perspective of the owner", () => {
  assert.equal(enc(new LocalObjectRef(7)), "21 00 00 00 07");
  assert.equal(enc(new RemoteObjectRef(-2)), "3f ff ff ff fe");
  const r = decode(spec("21 00000007"));
  assert.ok(r instanceof RemoteObjectRef && r.id === 7);
  const l = decode(spec("3f 00000009"));
  assert.ok(l instanceof LocalObjectRef && l.id === 9);
  assert.throws(() => encode(new LocalObjectRef(1.5)), LuaEncodeError);
  // The Lua peer reads references only as a whole argument or result: refused anywhere else, before anything is sent.
  for (const nested of [[new LocalObjectRef(1)], { account: new RemoteObjectRef(2) }, new Map([[1, [new LocalObjectRef(3)]]])]) {
    assert.throws(() => encode(nested), (e: unknown) => e instanceof LuaEncodeError && /only be sent as a whole argument or result/.test(e.message));
  }
  assert.equal(encodeMany([new LocalObjectRef(1), new RemoteObjectRef(2)]).toString("hex"), "21000000013f00000002");
});

test("unsupported values are refused with LuaEncodeError", () => {
  for (const v of [() => 1, Symbol("s"), new Date(), new (class Foo {})(), multi(1), new LuaMulti([])]) {
    assert.throws(() => encode(v), (e: unknown) => e instanceof LuaEncodeError && e.code === "ERR_LUA_ENCODE");
  }
  assert.throws(() => encode(new LuaFunction(Buffer.alloc(65535))), LuaEncodeError);
  const big = Array.from({ length: 65535 }, () => 1);
  assert.throws(() => encode(big), /too large/);
  let deep: unknown[] = [];
  for (let i = 0; i < 20; i++) deep = [deep];
  assert.throws(() => encodeMany([deep], { maxDepth: 10 }), /maxDepth/);
  assert.doesNotThrow(() => encodeMany([deep], { maxDepth: 30 }));
});

test("back-reference indexes beyond 16 bits are refused", () => {
  const strings = Array.from({ length: 65536 }, (_, i) => `s${i}`);
  // 65536 distinct strings across nested tables, then a reference to the last one
  const chunks: string[][] = [];
  for (let i = 0; i < strings.length; i += 60000) chunks.push(strings.slice(i, i + 60000));
  assert.throws(() => encode([chunks, strings[65535]]), /16 bits/);
});

test("decode errors are typed and located", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /missing tag/],
    ["09", /unknown tag 0x09/],
    ["01", /truncated boolean/],
    ["07 0000", /truncated integer/],
    ["03 00", /truncated number/],
    ["04 00", /truncated string length/],
    ["04 0005 6162", /truncated string/],
    ["04 ffff", /reserved/],
    ["06 0003 00", /truncated function/],
    ["05 00", /truncated table count/],
    ["05 ffff", /reserved/],
    ["05 0001 07 00000001", /missing tag/],
    ["14 0001", /bad back-reference 1/],
    ["14 00", /truncated back-reference/],
    ["05 0001 04 0001 61 14 0003", /bad back-reference 3/],
    ["05 0001 14 0000 00", /bad back-reference 0/],
    ["05 0001 00 07 00000001", /key is nil/],
    ["05 0001 07 00000001 21 00000007", /object reference inside a table/],
    ["05 0001 3f 00000007 01 01", /object reference inside a table/],
    ["05 0001 03 7ff8000000000000 01 01", /key is NaN/],
    ["21 0000", /truncated object reference/],
    ["3f 00", /truncated object reference/],
    ["07 00000001 00", /trailing/],
  ];
  for (const [h, re] of cases) {
    assert.throws(() => decode(spec(h)), (e: unknown) => {
      assert.ok(e instanceof LuaDecodeError, `${h}: ${String(e)}`);
      assert.equal(e.code, "ERR_LUA_DECODE");
      assert.match(e.message, re, h);
      assert.equal(typeof e.offset, "number");
      return true;
    });
  }
  const nested = Buffer.concat([...Array.from({ length: 50 }, () => spec("05 0001 07 00000001")), spec("00")]);
  assert.throws(() => decode(nested, { maxDepth: 10 }), /maxDepth/);
  assert.throws(() => decode(nested, { maxDepth: 10, tables: "exact" }), /maxDepth/);
  const wayTooDeep = Buffer.concat([...Array.from({ length: 200000 }, () => spec("05 0001 07 00000001")), spec("00")]);
  assert.throws(() => decode(wayTooDeep, { maxDepth: 1e9 }), LuaDecodeError);
  assert.throws(() => decode(wayTooDeep), LuaDecodeError);
});

test("decodeMany, LuaReader and LuaWriter", () => {
  const b = encodeMany(["a", 1, { x: "a" }]);
  assert.deepEqual(decodeMany(b), ["a", 1, { x: "a" }]);
  assert.deepEqual(decodeMany(new Uint8Array(b)), ["a", 1, { x: "a" }]);
  assert.deepEqual(decode(new Uint8Array(encode([1]))), [1]);
  const padded = Buffer.concat([Buffer.from([0xee]), b, Buffer.from([0xee])]);
  const r = new LuaReader(padded, 1, padded.length - 1);
  assert.deepEqual(r.readAll(), ["a", 1, { x: "a" }]);
  assert.ok(r.done);
  const w = new LuaWriter(1);
  w.writeValue("x".repeat(1000));
  w.writeValue("y");
  assert.equal(w.result().length, 1003 + 4);
  w.reset();
  w.u8(0);
  assert.equal(hex(w.result()), "00");
});
