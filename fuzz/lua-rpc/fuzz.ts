/**
 * Fuzzing of the luatobin codec and the Lua RPC frame decoder, by
 * generation and by mutation of valid encodings (bit flips, truncation,
 * splicing, length/size fields forced to 0, 255, 256, 2^31, 0xffffffff...)
 * under arbitrary chunking. Run through `npm run fuzz -- --only lua-rpc`.
 */

import fc from "fast-check";
import { chunk, cutsArb, mutate, mutationsArb } from "../lib/bytes.js";
import type { FuzzTarget } from "../lib/target.js";
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
  type Frame,
} from "../../src/lua-rpc/index.js";

const str = fc.string({ unit: "grapheme", maxLength: 16 });
const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31, -(2 ** 31), -0, NaN, Infinity, 2 ** 32));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), num, str, tie("bytes"), tie("array"), tie("object"), tie("map"), tie("fn")),
  bytes: fc.uint8Array({ maxLength: 8 }).map((b) => new LuaBytes(b)),
  fn: fc.uint8Array({ maxLength: 8 }).map((b) => new LuaFunction(b)),
  array: fc.array(tie("value"), { maxLength: 6 }),
  object: fc.dictionary(str, tie("value"), { maxKeys: 6, noNullPrototype: true }),
  map: fc.array(fc.tuple(fc.oneof(fc.boolean(), num.filter((n) => !Number.isNaN(n)), str), tie("value")), { maxLength: 6 }).map((e) => new Map<unknown, unknown>(e)),
}));

/** Values with shared and cyclic sub-structures. */
const graph = fc.array(value, { minLength: 1, maxLength: 4 }).map((xs) => {
  const root: Record<string, unknown> = { xs };
  root.self = root;
  root.again = xs;
  return root;
});

/** Decoding must give values (re-encodable) or LuaDecodeError, nothing else. */
function checkDecode(bytes: Buffer, exact: boolean): void {
  let values: unknown[];
  try {
    values = decodeMany(bytes, exact ? { tables: "exact" } : {});
  } catch (e) {
    if (!(e instanceof LuaDecodeError)) throw e;
    return;
  }
  for (const v of values) encode(v);
}

/** Frame decoding, fed in chunks, must give frames or LuaRpcProtocolError, nothing else. */
function checkFrames(bytes: Buffer, cuts: readonly number[]): Frame[] {
  const d = new FrameDecoder({ maxFrameSize: 1 << 20 });
  try {
    const frames = chunk(bytes, cuts).flatMap((c) => [...d.push(c)]);
    for (const f of frames) {
      if (f.type !== 0 && f.type !== 1) throw new Error(`bad frame type ${f.type} accepted`);
      checkDecode(f.payload, false);
    }
    return frames;
  } catch (e) {
    if (!(e instanceof LuaRpcProtocolError)) throw e;
    return [];
  }
}

/** The luatobin and Lua RPC framing target. */
export const luaRpcTarget: FuzzTarget = {
  name: "lua-rpc",
  properties: ([
  [
    "generated values round-trip",
    fc.property(fc.oneof(value, graph), (v) => {
      const bytes = encode(v);
      const back = decode(bytes);
      const again = encode(back);
      if (!again.equals(encode(decode(again)))) throw new Error("re-encoding is not stable");
    } ),
  ],
  [
    "mutated encodings decode or fail with LuaDecodeError",
    fc.property(fc.oneof(value, graph), mutationsArb(), fc.boolean(), (v, muts, exact) => {
      checkDecode(mutate(encode(v), muts), exact);
    } ),
  ],
  [
    "arbitrary octets decode or fail with LuaDecodeError",
    fc.property(fc.uint8Array({ maxLength: 256 }), fc.boolean(), (b, exact) => checkDecode(Buffer.from(b), exact) ),
  ],
  [
    "mutated frames decode or fail with LuaRpcProtocolError",
    fc.property(
      fc.array(fc.oneof(
        fc.tuple(fc.nat(255), str, fc.array(value, { maxLength: 3 })).map(([s, n, a]) => encodeCallFrame(s, n, a)),
        fc.tuple(fc.nat(255), fc.nat(4), fc.array(value, { maxLength: 3 })).map(([s, st, r]) => encodeResponseFrame(s, st, r)),
      ), { minLength: 1, maxLength: 4 }),
      fc.option(mutationsArb(), { nil: [] }),
      cutsArb,
      (frames, muts, cuts) => {
        const stream = Buffer.concat(frames);
        if (muts.length === 0) {
          const got = checkFrames(stream, cuts);
          if (got.length !== frames.length) throw new Error("valid frames were lost");
        } else checkFrames(mutate(stream, muts), cuts);
      },
     ),
  ],
] as [string, fc.IRawProperty<any>][]).map(([title, property]) => ({ title, property })),
};
