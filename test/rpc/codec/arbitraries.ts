// Shared fast-check arbitraries for the RPC codec tests.
import fc from 'fast-check';

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE = 2n ** 53n - 1n;

/** Dictionary keys that survive a round trip as own properties. */
export const key = fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => k !== '__proto__');

/** A value as the msgpack codec decodes it (numbers safe, bigints beyond 2^53, binary as Buffer). */
export const msgpackValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger().filter((n) => !Object.is(n, -0)),
    fc.bigInt({ min: INT64_MIN, max: UINT64_MAX }).filter((b) => b > SAFE || b < -SAFE),
    fc.double().filter((n) => !Object.is(n, -0)),
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).value;

/** A JSON-compatible value (what JSON.parse can give back), numbers finite. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
  ),
})).value;
