/**
 * Property-based tests: round trips of the documented mapping, robustness
 * of the decoder on arbitrary octets, frames under arbitrary splits.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decode,
  decodeMany,
  encode,
  encodeCallFrame,
  encodeResponseFrame,
  FrameDecoder,
  LuaBytes,
  LuaDecodeError,
  LuaFunction,
  LuaRpcProtocolError,
  LuaTable,
  type Frame,
} from "../../src/lua-rpc/index.js";

/** Strings without lone surrogates (what a JS string can carry losslessly). */
const str = fc.string({ unit: "grapheme", maxLength: 12 });
const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, -0, NaN, Infinity, -Infinity));
const scalar = fc.oneof(fc.constant(null), fc.boolean(), num, str);
const nonStringKey = fc.oneof(fc.boolean(), fc.double({ noNaN: true, min: -1e6, max: 0.5 }));

/** Values of the documented mapping that decode back to an equal value. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, scalar, tie("array"), tie("object"), tie("map"), tie("fn")),
  array: fc.array(tie("nonNil"), { minLength: 1, maxLength: 5 }),
  object: fc.dictionary(str, tie("nonNil"), { minKeys: 1, maxKeys: 5, noNullPrototype: true }),
  // at least one key that is neither a string nor part of a 1..n sequence
  map: fc
    .tuple(nonStringKey, tie("nonNil"), fc.array(fc.tuple(fc.oneof(nonStringKey, str, fc.integer({ min: 2, max: 9 })), tie("nonNil")), { maxLength: 4 }))
    .map(([k, v, rest]) => new Map<unknown, unknown>([[k, v], ...rest])),
  fn: fc.uint8Array({ maxLength: 8 }).map((b) => new LuaFunction(b)),
  nonNil: fc.oneof({ depthSize: "small" }, fc.boolean(), num, str, tie("array"), tie("object"), tie("map")),
}));

test("property: every value of the mapping round-trips through encode/decode", () => {
  fc.assert(
    fc.property(value, (v) => {
      const bytes = encode(v);
      const back = decode(bytes);
      assert.deepStrictEqual(back, v);
      assert.deepStrictEqual(encode(back), bytes, "encoding is stable");
    }),
    { numRuns: 1000 },
  );
});

test("property: shared sub-values keep their identity", () => {
  fc.assert(
    fc.property(fc.array(value.filter((v) => v !== null), { minLength: 1, maxLength: 4 }), (xs) => {
      const shared = { inner: xs };
      const outer = [shared, xs, shared];
      const back = decode(encode(outer)) as unknown[];
      assert.equal(back[0], back[2]);
      assert.equal((back[0] as { inner: unknown }).inner, back[1]);
      assert.deepStrictEqual(back[1], xs);
    }),
    { numRuns: 200 },
  );
});

test("property: raw octet strings and exact tables round-trip octet for octet", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof(fc.uint8Array({ maxLength: 6 }).map((b) => new LuaBytes(b)), fc.integer()), fc.oneof(fc.constant(null), fc.uint8Array({ maxLength: 6 }).map((b) => new LuaBytes(b)))), { maxLength: 6 }), (entries) => {
      const t = new LuaTable(entries);
      const bytes = encode(t);
      const back = decode(bytes, { tables: "exact", strings: "bytes" });
      assert.deepStrictEqual(encode(back), bytes);
    }),
    { numRuns: 500 },
  );
});

test("property: arbitrary octets decode to values or LuaDecodeError, nothing else", () => {
  const lucky = fc.array(fc.constantFrom(0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x14, 0x21, 0x3f, 0x00, 0x01, 0x02, 0xff), { maxLength: 64 }).map((a) => Buffer.from(a));
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)), lucky), fc.boolean(), (bytes, exact) => {
      let values: unknown[];
      try {
        values = decodeMany(bytes, exact ? { tables: "exact" } : {});
      } catch (e) {
        assert.ok(e instanceof LuaDecodeError, String(e));
        return;
      }
      // whatever decodes can be encoded again and is then stable (object
      // references swap perspective on each decode, hence two rounds)
      const opts = exact ? { tables: "exact" as const } : {};
      for (const v of values) {
        const again = encode(v);
        assert.deepStrictEqual(encode(decode(encode(decode(again, opts)), opts)), again);
      }
    }),
    { numRuns: 3000 },
  );
});

/** Splits a buffer at the given (sorted, deduplicated) cut points. */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...pts, buf.length]) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  return out;
}

function frames(dec: FrameDecoder, chunks: Buffer[]): Frame[] {
  return chunks.flatMap((c) => dec.push(c));
}

test("property: frames under arbitrary chunk splits decode identically", () => {
  const frame = fc.oneof(
    fc.tuple(fc.nat(255), str, fc.array(value, { maxLength: 3 })).map(([seq, name, args]) => encodeCallFrame(seq, name, args)),
    fc.tuple(fc.nat(255), fc.nat(4), fc.array(value, { maxLength: 3 })).map(([seq, status, res]) => encodeResponseFrame(seq, status, res)),
  );
  fc.assert(
    fc.property(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (fs, cuts) => {
      const stream = Buffer.concat(fs);
      const whole = frames(new FrameDecoder(), [stream]);
      const dec = new FrameDecoder();
      const pieces = frames(dec, split(stream, cuts));
      assert.equal(whole.length, fs.length);
      assert.deepStrictEqual(pieces.map((f) => [f.type, f.seq, Buffer.from(f.payload)]), whole.map((f) => [f.type, f.seq, Buffer.from(f.payload)]));
      assert.equal(dec.buffered, 0);
      for (let i = 0; i < fs.length; i++) assert.deepStrictEqual(Buffer.concat([fs[i]!.subarray(0, 6), whole[i]!.payload]), fs[i]);
    }),
    { numRuns: 500 },
  );
});

test("property: arbitrary streams give frames or LuaRpcProtocolError, and the limit holds", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
      const dec = new FrameDecoder({ maxFrameSize: 32 });
      try {
        for (const f of frames(dec, split(Buffer.from(bytes), cuts))) {
          assert.ok(f.type === 0 || f.type === 1);
          assert.ok(f.payload.length <= 32);
        }
      } catch (e) {
        assert.ok(e instanceof LuaRpcProtocolError, String(e));
        assert.throws(() => dec.push(Buffer.from([0])), LuaRpcProtocolError, "a failed decoder stays failed");
      }
    }),
    { numRuns: 2000 },
  );
});
