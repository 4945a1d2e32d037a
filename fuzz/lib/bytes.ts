/**
 * Byte-level mutation of valid traffic and arbitrary chunking, shared by
 * every fuzz target: bit flips, truncation, splicing, inserted octets, and
 * size fields (known ones, or any 2/4/8 octets) forced to the values that
 * break length arithmetic.
 */
import fc from "fast-check";

/** Where a length or size field lies in an encoding, and its width in octets. */
export interface SizeField {
  at: number;
  width: 1 | 2 | 4 | 8;
}

/** Sizes that break length arithmetic: empty, the 1-octet edge, 2^31, 2^32-1, 2^63-1... */
export const SPECIAL_SIZES = [0n, 1n, 255n, 256n, 0x7fffn, 0xffffn, 2n ** 24n + 1n, 2n ** 31n, 0xffffffffn, 2n ** 63n - 1n] as const;

/** One edit of an encoding. */
export type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "splice"; from: number; to: number; len: number }
  | { kind: "size"; field: number; value: bigint }
  | { kind: "overwrite"; at: number; width: 2 | 4 | 8; value: bigint }
  | { kind: "insert"; at: number; byte: number };

/** Any single mutation; positions are reduced modulo the input's length when applied. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("splice" as const), from: fc.nat(), to: fc.nat(), len: fc.nat(40) }),
  fc.record({ kind: fc.constant("size" as const), field: fc.nat(), value: fc.constantFrom(...SPECIAL_SIZES) }),
  fc.record({ kind: fc.constant("overwrite" as const), at: fc.nat(), width: fc.constantFrom(2 as const, 4 as const, 8 as const), value: fc.constantFrom(...SPECIAL_SIZES) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x7f, 0x80, 0xc1, 0xff) }),
);

/** One to `max` mutations. */
export const mutationsArb = (max = 4): fc.Arbitrary<Mutation[]> => fc.array(mutationArb, { minLength: 1, maxLength: max });

/** Writes `value` big-endian into `width` octets, saturating at the field's maximum. */
function writeSize(b: Buffer, at: number, width: number, value: bigint): void {
  const max = (1n << BigInt(width * 8)) - 1n;
  let v = value > max ? max : value;
  for (let i = width - 1; i >= 0; i--) {
    b[at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/**
 * Applies mutations in order. Size-field mutations use the fields of the
 * unmutated input (an earlier edit may have moved them: that is fine, it is
 * still a mutation).
 */
export function mutate(input: Buffer, muts: readonly Mutation[], sizeFields: readonly SizeField[] = []): Buffer {
  let b = Buffer.from(input);
  for (const m of muts) {
    if (b.length === 0) break;
    switch (m.kind) {
      case "flip": {
        const at = m.at % b.length;
        b[at] = b[at]! ^ (1 << m.bit);
        break;
      }
      case "truncate":
        b = b.subarray(0, m.at % b.length);
        break;
      case "splice": {
        const from = m.from % b.length;
        const piece = Buffer.from(b.subarray(from, from + m.len));
        const to = m.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
        break;
      }
      case "size": {
        if (sizeFields.length === 0) break;
        const f = sizeFields[m.field % sizeFields.length]!;
        if (f.at + f.width <= b.length) writeSize(b, f.at, f.width, m.value);
        break;
      }
      case "overwrite": {
        const at = m.at % b.length;
        if (at + m.width <= b.length) writeSize(b, at, m.width, m.value);
        break;
      }
      case "insert": {
        const at = m.at % (b.length + 1);
        b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
        break;
      }
    }
  }
  return b;
}

/** Cut points for {@link chunk}. */
export const cutsArb: fc.Arbitrary<number[]> = fc.array(fc.nat(), { maxLength: 16 });

/** Splits `data` at the given points (modulo its length), copying each piece as a socket would deliver it. */
export function chunk(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(Buffer.from(data.subarray(prev, p)));
    prev = p;
  }
  out.push(Buffer.from(data.subarray(prev)));
  return out;
}

/** Arbitrary octets as a Buffer. */
export const bytesArb = (maxLength: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u));
