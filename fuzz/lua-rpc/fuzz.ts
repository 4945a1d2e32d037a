/**
 * Long-running fuzzing of the luatobin codec and the frame decoder, by
 * generation and by mutation of valid encodings (bit flips, truncation,
 * length/size fields forced to 0, 255, 256, 2^31, 0xffffffff...).
 *
 * Usage: node build/fuzz/lua-rpc/fuzz.js [iterations] [seed]
 * On failure the seed and counterexample are printed; re-run with that seed
 * to reproduce.
 */

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
  type Frame,
} from "../../src/lua-rpc/index.js";

const iterations = Number(process.argv[2] ?? 10_000);
const seed = process.argv[3] !== undefined ? Number(process.argv[3]) : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
if (!Number.isFinite(iterations) || iterations < 1) {
  console.error("usage: fuzz.js [iterations] [seed]");
  process.exit(2);
}

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

type Mutation = { kind: "flip"; at: number; bit: number } | { kind: "truncate"; at: number } | { kind: "u16"; at: number; v: number } | { kind: "u32"; at: number; v: number } | { kind: "insert"; at: number; byte: number };

const SPECIAL_U16 = [0, 1, 255, 256, 0x7fff, 0xfffe, 0xffff];
const SPECIAL_U32 = [0, 255, 256, 2 ** 31, 0xffffffff, 16 * 1024 * 1024 + 1];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("u16" as const), at: fc.nat(), v: fc.constantFrom(...SPECIAL_U16) }),
  fc.record({ kind: fc.constant("u32" as const), at: fc.nat(), v: fc.constantFrom(...SPECIAL_U32) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x05, 0x14, 0x21, 0x3f, 0xff) }),
);

function mutate(src: Buffer, muts: Mutation[]): Buffer {
  let b = Buffer.from(src);
  for (const m of muts) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.kind) {
      case "flip":
        b[at] = b[at]! ^ (1 << m.bit);
        break;
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "u16":
        if (at + 2 <= b.length) b.writeUInt16BE(m.v, at);
        break;
      case "u32":
        if (at + 4 <= b.length) b.writeUInt32BE(m.v, at);
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
        break;
    }
  }
  return b;
}

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

/** Frame decoding must give frames or LuaRpcProtocolError, nothing else. */
function checkFrames(bytes: Buffer, cut: number): Frame[] {
  const d = new FrameDecoder({ maxFrameSize: 1 << 20 });
  const c = bytes.length === 0 ? 0 : cut % bytes.length;
  try {
    const frames = [...d.push(bytes.subarray(0, c)), ...d.push(bytes.subarray(c))];
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

const properties: Array<[string, fc.IPropertyWithHooks<never> | fc.IProperty<never>]> = [
  [
    "generated values round-trip",
    fc.property(fc.oneof(value, graph), (v) => {
      const bytes = encode(v);
      const back = decode(bytes);
      const again = encode(back);
      if (!again.equals(encode(decode(again)))) throw new Error("re-encoding is not stable");
    }) as never,
  ],
  [
    "mutated encodings decode or fail with LuaDecodeError",
    fc.property(fc.oneof(value, graph), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (v, muts, exact) => {
      checkDecode(mutate(encode(v), muts), exact);
    }) as never,
  ],
  [
    "arbitrary octets decode or fail with LuaDecodeError",
    fc.property(fc.uint8Array({ maxLength: 256 }), fc.boolean(), (b, exact) => checkDecode(Buffer.from(b), exact)) as never,
  ],
  [
    "mutated frames decode or fail with LuaRpcProtocolError",
    fc.property(
      fc.array(fc.oneof(
        fc.tuple(fc.nat(255), str, fc.array(value, { maxLength: 3 })).map(([s, n, a]) => encodeCallFrame(s, n, a)),
        fc.tuple(fc.nat(255), fc.nat(4), fc.array(value, { maxLength: 3 })).map(([s, st, r]) => encodeResponseFrame(s, st, r)),
      ), { minLength: 1, maxLength: 4 }),
      fc.array(mutation, { maxLength: 4 }),
      fc.nat(),
      (frames, muts, cut) => {
        const stream = Buffer.concat(frames);
        if (muts.length === 0) {
          const got = checkFrames(stream, cut);
          if (got.length !== frames.length) throw new Error("valid frames were lost");
        } else checkFrames(mutate(stream, muts), cut);
      },
    ) as never,
  ],
];

let failed = false;
for (const [name, prop] of properties) {
  const started = Date.now();
  const result = fc.check(prop, { numRuns: iterations, seed });
  if (result.failed) {
    failed = true;
    console.error(`FAIL ${name}`);
    console.error(`  reproduce with: node build/fuzz/lua-rpc/fuzz.js ${iterations} ${seed}`);
    console.error(`  seed=${result.seed} path=${result.counterexamplePath ?? ""}`);
    console.error(`  counterexample: ${fc.stringify(result.counterexample)}`);
    console.error(`  error: ${String(result.errorInstance)}`);
  } else {
    console.log(`ok   ${name}: ${result.numRuns} runs in ${Date.now() - started} ms (seed ${seed})`);
  }
}
process.exit(failed ? 1 : 0);
