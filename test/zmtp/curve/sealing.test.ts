/**
 * The MESSAGE sealing path (prefixKey + sealPrefixedInPlace/openPrefixed,
 * and CurveFrameCipher around them) is a composition of @noble/ciphers'
 * salsa20 and poly1305 of our own: these properties hold it to the
 * library's reference xsalsa20poly1305 for arbitrary keys, nonces and
 * lengths from 0 to past 1 MiB, at aligned and odd buffer offsets, and
 * check that every box opens to what was sealed and that any flipped bit
 * is refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import { xsalsa20poly1305 } from "@noble/ciphers/salsa";
import { openPrefixed, prefixKey, sealPrefixedInPlace } from "../../../src/zmtp/wire/curve-crypto.js";
import { CurveFrameCipher, PeerNonce, SendNonce } from "../../../src/zmtp/wire/curve-cipher.js";

const MiB = 1024 * 1024;

/**
 * Plaintext lengths: mostly small (where block and Poly1305 boundaries
 * are), some of a few blocks to 64 KiB, a few around and past 1 MiB.
 */
const length = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 3, arbitrary: fc.integer({ min: 300, max: 64 * 1024 }) },
  { weight: 1, arbitrary: fc.integer({ min: MiB - 70, max: MiB + 300 }) },
);

/** Fills `n` octets from a seed: generating a megabyte through fast-check would take longer than sealing it. */
function octets(n: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce = fc.uint8Array({ minLength: 24, maxLength: 24 });
/** Where in its ArrayBuffer a box starts: the cipher takes another path for unaligned octets. */
const offset = fc.integer({ min: 0, max: 7 });

/** Seals `plain` as sealPrefixedInPlace does, in a buffer starting `at` octets into a larger one. */
function seal(k: Uint8Array, n: Uint8Array, plain: Uint8Array, at: number): Buffer {
  const buf = Buffer.alloc(at + 32 + plain.length).subarray(at);
  buf.set(plain, 32);
  sealPrefixedInPlace(prefixKey(k, n.subarray(0, 16)), n.slice(16), buf);
  return buf.subarray(16);
}

/** Copies `box` to an offset `at` in a new buffer, as a frame lands anywhere in a received chunk. */
function placed(box: Uint8Array, at: number): Buffer {
  const buf = Buffer.alloc(at + box.length).subarray(at);
  buf.set(box);
  return buf;
}

test("sealPrefixedInPlace makes the box @noble/ciphers' xsalsa20poly1305 makes, and openPrefixed opens it", () => {
  fc.assert(
    fc.property(key, nonce, length, fc.integer(), offset, offset, (k, n, len, seed, sealAt, openAt) => {
      const plain = octets(len, seed);
      const box = seal(k, n, plain, sealAt);
      assert.ok(Buffer.from(xsalsa20poly1305(k, n).encrypt(plain)).equals(box), `box of ${len} octets differs from the reference`);
      const opened = openPrefixed(prefixKey(k, n.subarray(0, 16)), n.slice(16), placed(box, openAt));
      assert.ok(opened !== undefined && opened.equals(plain), `box of ${len} octets does not open to its plaintext`);
    }),
    { numRuns: 40 },
  );
});

test("openPrefixed refuses a box with any one bit flipped, and a box too short to hold a tag", () => {
  fc.assert(
    fc.property(key, nonce, length, fc.integer(), fc.nat(), fc.integer({ min: 0, max: 7 }), offset, (k, n, len, seed, where, bit, at) => {
      const box = placed(seal(k, n, octets(len, seed), 0), at);
      box[where % box.length]! ^= 1 << bit;
      assert.equal(openPrefixed(prefixKey(k, n.subarray(0, 16)), n.slice(16), box), undefined);
    }),
    { numRuns: 40 },
  );
  fc.assert(
    fc.property(key, nonce, fc.uint8Array({ maxLength: 15 }), (k, n, box) => {
      assert.equal(openPrefixed(prefixKey(k, n.subarray(0, 16)), n.slice(16), box), undefined);
    }),
  );
});

test("CurveFrameCipher: each MESSAGE is NaCl's box under the RFC 26 nonce, and opens to the frame and its flags", () => {
  fc.assert(
    fc.property(
      key,
      fc.array(fc.record({ len: length, seed: fc.integer(), more: fc.boolean(), at: offset }), { minLength: 1, maxLength: 4 }),
      (k, frames) => {
        const client = new CurveFrameCipher(k, false, new SendNonce(), new PeerNonce());
        const server = new CurveFrameCipher(k, true, new SendNonce(), new PeerNonce());
        frames.forEach(({ len, seed, more, at }, i) => {
          const body = octets(len, seed);
          const sealed = client.seal(body, more ? 1 : 0);
          assert.equal(sealed.toString("latin1", 0, 8), "\x07MESSAGE");
          const shortNonce = sealed.subarray(8, 16);
          assert.equal(shortNonce.readBigUInt64BE(), BigInt(i + 1));
          const reference = xsalsa20poly1305(k, Buffer.concat([Buffer.from("CurveZMQMESSAGEC", "latin1"), shortNonce]))
            .encrypt(Buffer.concat([Buffer.from([more ? 1 : 0]), body]));
          assert.ok(Buffer.from(reference).equals(sealed.subarray(16)), `MESSAGE ${i + 1} of ${len} octets differs from the reference`);
          const opened = server.open(placed(sealed, at));
          assert.ok(opened.equals(body));
          assert.equal(server.flags, more ? 1 : 0);
        });
      },
    ),
    { numRuns: 30 },
  );
});
