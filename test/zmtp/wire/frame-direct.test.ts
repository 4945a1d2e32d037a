/**
 * The decoder's direct reads (a reader that reads the rest of a large body
 * straight into the body's buffer): the same frames as chunked decoding
 * under any read sizes, and the thread-wide budget of bodies allocated
 * from a declared size before their octets arrived.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FLAG_LONG, FLAG_MORE, FrameDecoder, FrameEncoder } from "../../../src/zmtp/wire/index.js";
import { DIRECT_BUDGET, directBudgetInUse } from "../../../src/zmtp/wire/frame-decoder.js";
import { decodeAll, type DecodedFrame } from "./chunks.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** A decoder that collects its frames, reading directly when `direct`. */
function collecting(direct = true): { dec: FrameDecoder; frames: DecodedFrame[] } {
  const frames: DecodedFrame[] = [];
  const dec = new FrameDecoder({ onFrame: (body, flags) => frames.push({ flags, body: Buffer.from(body) }) });
  dec.allowDirect = direct;
  return { dec, frames };
}

/**
 * Reads `wire` as a direct reader does: reads of `sizes` octets (in turn),
 * each into the decoder's target when it offers one, else as a chunk.
 * Returns the frames and the octets that went straight into bodies.
 */
function readDirectly(wire: Buffer, sizes: readonly number[]): { frames: DecodedFrame[]; direct: number } {
  const { dec, frames } = collecting();
  let pos = 0;
  let direct = 0;
  for (let i = 0; pos < wire.length; i++) {
    const want = sizes[i % sizes.length]!;
    const target = dec.directTarget();
    if (target !== undefined) {
      const n = Math.min(want, target.length, wire.length - pos);
      wire.copy(target, 0, pos, pos + n);
      dec.filled(n);
      direct += n;
      pos += n;
    } else {
      const n = Math.min(want, wire.length - pos);
      dec.push(Buffer.from(wire.subarray(pos, pos + n)));
      pos += n;
    }
  }
  return { frames, direct };
}

/** A long-form frame header announcing `size` octets. */
function longHeader(flags: number, size: number): Buffer {
  const h = Buffer.alloc(9);
  h[0] = flags | FLAG_LONG;
  h.writeBigUInt64BE(BigInt(size), 1);
  return h;
}

test("property: direct reads of any sizes give the frames chunked decoding gives, and hold no budget after", () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 64 * KiB - 2, max: 300 * KiB }));
  fc.assert(
    fc.property(
      fc.array(fc.array(part, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 200 * KiB }), { minLength: 1, maxLength: 6 }),
      (messages, sizes) => {
        const enc = new FrameEncoder();
        messages.forEach((m, i) => enc.message(m.map((n, j) => Buffer.alloc(n, (i * 7 + j) & 0xff))));
        const wire = Buffer.concat(enc.take());
        const { frames } = readDirectly(wire, sizes);
        assert.deepEqual(frames, decodeAll([wire]));
        assert.equal(directBudgetInUse(), 0);
      },
    ),
    { numRuns: 60 },
  );
});

test("a 1 MiB body read in 64 KiB reads goes straight into its buffer after its first read", () => {
  const body = Buffer.alloc(MiB);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
  const wire = Buffer.concat([longHeader(FLAG_MORE, MiB), body, Buffer.from([0, 3, 0x61, 0x62, 0x63])]);
  const { frames, direct } = readDirectly(wire, [64 * KiB]);
  assert.equal(frames.length, 2);
  assert.ok(frames[0]!.body.equals(body));
  assert.equal(frames[1]!.body.toString(), "abc");
  // The first read holds the header and the body's first octets; the rest is direct.
  assert.equal(direct, MiB - (64 * KiB - 9));
});

test("a decoder without a direct reader gathers large bodies and reserves nothing", () => {
  const { dec } = collecting(false);
  dec.push(Buffer.concat([longHeader(0, MiB), Buffer.alloc(100)]));
  assert.equal(dec.directTarget(), undefined);
  assert.equal(directBudgetInUse(), 0);
  dec.dispose();
});

test("a header alone reserves nothing; the body's first octets do, and its end gives it back", () => {
  const { dec, frames } = collecting();
  dec.push(longHeader(0, MiB));
  assert.equal(directBudgetInUse(), 0);
  dec.push(Buffer.alloc(10));
  assert.equal(directBudgetInUse(), MiB);
  const target = dec.directTarget()!;
  assert.equal(target.length, MiB - 10);
  dec.filled(target.length);
  assert.equal(frames.length, 1);
  assert.equal(directBudgetInUse(), 0);
});

test("bodies past what is left of the thread's budget are gathered; dispose() gives a body's share back", () => {
  const first = collecting();
  const second = collecting();
  assert.equal(DIRECT_BUDGET, 64 * MiB, "the budget README.md states");
  const big = DIRECT_BUDGET - 8 * MiB;
  first.dec.push(Buffer.concat([longHeader(0, big), Buffer.alloc(100)]));
  assert.equal(directBudgetInUse(), big);
  second.dec.push(Buffer.concat([longHeader(0, 16 * MiB), Buffer.alloc(100)]));
  assert.equal(second.dec.directTarget(), undefined, "over the budget: gathered");
  assert.equal(directBudgetInUse(), big);
  first.dec.dispose();
  assert.equal(directBudgetInUse(), 0);
  assert.equal(first.dec.directTarget(), undefined);
  // A body that began gathered stays gathered, even with the budget free again.
  second.dec.push(Buffer.alloc(100));
  assert.equal(second.dec.directTarget(), undefined);
  assert.equal(directBudgetInUse(), 0);
  second.dec.dispose();
});

test("a body larger than the whole budget is never allocated from its declared size", () => {
  const { dec } = collecting();
  dec.push(Buffer.concat([longHeader(0, 2 ** 32), Buffer.alloc(1000)]));
  assert.equal(dec.directTarget(), undefined);
  assert.equal(directBudgetInUse(), 0);
  dec.dispose();
});

test("filled() refuses more octets than the body has room for", () => {
  const { dec } = collecting();
  dec.push(Buffer.concat([longHeader(0, 100 * KiB), Buffer.alloc(10)]));
  const room = dec.directTarget()!.length;
  assert.throws(() => dec.filled(room + 1), /room for/);
  dec.dispose();
  assert.equal(directBudgetInUse(), 0);
});
