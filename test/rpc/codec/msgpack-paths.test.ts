// The msgpack codec's lean paths (flat decoding of small shapes, integer
// encoding without BigInt) held to the results of its general paths, and
// the general path's bound on the values one message decodes to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMsgpack, decodeMsgpackAt, encodeMsgpack, msgpackDecoders, readArrayHead } from '../../../src/rpc/codec/msgpack.js';
import { MAX_DECODED_VALUES } from '../../../src/rpc/codec/nesting.js';
import { msgpackValue } from './arbitraries.js';

const { flat, general, notFlat } = msgpackDecoders;

/** What the general decoder makes of `buf`: its value, or its error's message. */
function generalOutcome(buf: Buffer): { value: unknown } | { error: string } {
  try {
    return { value: general(buf) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The flat path answers exactly what the general path answers, or leaves the input to it. */
function agree(buf: Buffer): boolean {
  const lean = flat(buf);
  if (lean === notFlat) return false;
  assert.deepStrictEqual({ value: lean }, generalOutcome(buf));
  return true;
}

/** Scalars of the flat path's kinds, and a few it leaves alone. */
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
  fc.integer({ min: -40, max: 300 }),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 20, maxLength: 90 }),
  fc.maxSafeInteger(),
  fc.uint8Array({ maxLength: 4 }).map((u) => Buffer.from(u)),
);

test('msgpack: the flat decoder agrees with the general one on small shapes, and takes the common ones', () => {
  let taken = 0;
  fc.assert(
    fc.property(fc.oneof(scalar, fc.array(scalar, { maxLength: 17 }), msgpackValue), (v) => {
      if (agree(encodeMsgpack(v))) taken++;
    }),
    { numRuns: 2000 },
  );
  // A request's shape, ["add", 1, 2], is always taken.
  assert.ok(agree(encodeMsgpack(['add', 1, 2.5, null, true, 'x'.repeat(200), -(2 ** 31), 2 ** 32 - 1])));
  assert.ok(taken > 500, `flat path took ${taken} of 2000`);
});

test('msgpack: on arbitrary octets (truncated, trailing, foreign types) the flat decoder never disagrees', () => {
  const prefixed = fc.tuple(fc.constantFrom(0x90, 0x91, 0x92, 0x93, 0x9f, 0xd9, 0xcb, 0xce, 0xd2, 0xa3), fc.uint8Array({ maxLength: 20 }))
    .map(([t, rest]) => Buffer.from([t, ...rest]));
  const cut = fc.tuple(fc.array(scalar, { maxLength: 6 }), fc.nat(), fc.uint8Array({ maxLength: 3 }))
    .map(([v, at, tail]) => {
      const full = encodeMsgpack(v);
      return Buffer.concat([full.subarray(0, at % (full.length + 1)), tail]);
    });
  fc.assert(fc.property(fc.oneof(prefixed, cut, fc.uint8Array({ maxLength: 24 }).map((u) => Buffer.from(u))), (buf) => {
    agree(buf);
  }), { numRuns: 3000 });
});

test('msgpack: integers up to 32 bits encode as the 64-bit path encodes them', () => {
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.integer({ min: -300, max: 70000 })), (n) => {
      assert.deepStrictEqual(encodeMsgpack(n), encodeMsgpack(BigInt(n)));
    }),
    { numRuns: 2000 },
  );
  for (const n of [0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31)]) {
    assert.deepStrictEqual(encodeMsgpack(n), encodeMsgpack(BigInt(n)), String(n));
  }
});

test('msgpack: an encoding started from inside another (a getter) does not disturb it', () => {
  const inner = { a: [1, 'two', 3] };
  const outer = {
    get x(): Buffer {
      return encodeMsgpack(inner);
    },
    y: 'after',
  };
  const encoded = encodeMsgpack(outer);
  assert.deepStrictEqual(general(encoded), { x: encodeMsgpack(inner), y: 'after' });
});

/** The msgpack str of `s` built from Buffer's own UTF-8 (the general path's octets). */
function strOctets(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const n = body.length;
  const head = n < 32 ? [0xa0 | n] : n < 0x100 ? [0xd9, n] : [0xda, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(head), body]);
}

test('msgpack: short texts written and read octet by octet give the octets and strings of Buffer UTF-8', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 14 }),
  );
  fc.assert(
    fc.property(text, (s) => {
      const expected = strOctets(s);
      assert.deepStrictEqual(encodeMsgpack(s), expected);
      assert.deepStrictEqual(encodeMsgpack(['m', s]), Buffer.concat([Buffer.from([0x92, 0xa1, 0x6d]), expected]));
      // Read back by both decoders as Buffer decodes those octets (a lone surrogate became U+FFFD).
      const back = expected.toString('utf8', expected.length - Buffer.byteLength(s, 'utf8'));
      assert.equal(flat(expected), back);
      assert.equal(general(expected), back);
    }),
    { numRuns: 3000 },
  );
  // Any octets in a short str (invalid UTF-8 too) read as Buffer reads them.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 31 }), (u) => {
      const buf = Buffer.concat([Buffer.from([0xa0 | u.length]), u]);
      const want = Buffer.from(u).toString('utf8');
      assert.equal(flat(buf), want);
      assert.equal(general(buf), want);
    }),
    { numRuns: 3000 },
  );
});

/** An array32 of `n` items, each the octets `item`. */
function array32Of(n: number, item: number[]): Buffer {
  const buf = Buffer.alloc(5 + n * item.length);
  buf[0] = 0xdd;
  buf.writeUInt32BE(n, 1);
  for (let i = 0; i < n; i++) buf.set(item, 5 + i * item.length);
  return buf;
}

test('msgpack: a message decodes to at most MAX_DECODED_VALUES values, refused from its headers before anything is built', () => {
  // At the bound: the array and 999,999 nils.
  assert.equal((decodeMsgpack(array32Of(MAX_DECODED_VALUES - 1, [0xc0])) as unknown[]).length, MAX_DECODED_VALUES - 1);
  const tooMany = { name: 'RpcProtocolError', reason: 'TOO_LARGE', message: `value made of more than ${MAX_DECODED_VALUES} values` };
  // One past it, as nils, as empty arrays, as empty maps; bin and ext weigh four each.
  assert.throws(() => decodeMsgpack(array32Of(MAX_DECODED_VALUES, [0xc0])), tooMany);
  assert.throws(() => decodeMsgpack(array32Of(MAX_DECODED_VALUES, [0x90])), tooMany);
  assert.throws(() => decodeMsgpack(array32Of(MAX_DECODED_VALUES, [0x80])), tooMany);
  assert.throws(() => decodeMsgpack(array32Of(MAX_DECODED_VALUES / 4, [0xc4, 0x00])), tooMany);
  assert.throws(() => decodeMsgpack(array32Of(MAX_DECODED_VALUES / 4, [0xd4, 0x01, 0x00])), tooMany);
  assert.equal((decodeMsgpack(array32Of(MAX_DECODED_VALUES / 4 - 1, [0xc4, 0x00])) as unknown[]).length, MAX_DECODED_VALUES / 4 - 1);
  // Sixteen million nils: refused in the time a header walk takes, not the seconds and hundreds of MB of building them.
  const huge = array32Of(16 * 1024 * 1024, [0xc0]);
  const t0 = performance.now();
  assert.throws(() => decodeMsgpack(huge), tooMany);
  assert.ok(performance.now() - t0 < 1000);
  // The same budget from inside a buffer, and a smaller one when asked.
  assert.throws(() => decodeMsgpackAt(Buffer.concat([Buffer.from([0x01]), array32Of(MAX_DECODED_VALUES, [0xc0])]), 1), tooMany);
  assert.deepEqual(decodeMsgpackAt(Buffer.from([0x01, 0x92, 0x07, 0x08, 0xc0]), 1), { value: [7, 8], end: 4, values: 3 });
  assert.throws(() => decodeMsgpackAt(Buffer.from([0x92, 0x07, 0x08]), 0, 2), { reason: 'TOO_LARGE' });
});

test('msgpack: an array head is read without its elements', () => {
  assert.deepEqual(readArrayHead(Buffer.from([0x00, 0x93, 0xc0, 0xc1, 0xc1]), 1), { count: 3, end: 2 });
  assert.deepEqual(readArrayHead(Buffer.from([0xdc, 0x00, 0x01, 0xc1]), 0), { count: 1, end: 3 });
  assert.equal(readArrayHead(Buffer.from([0x81, 0xc0, 0xc0]), 0), undefined);
  assert.throws(() => readArrayHead(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0]), 0), { reason: 'MALFORMED' });
});
