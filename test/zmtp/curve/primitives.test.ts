/**
 * Our Salsa20, HSalsa20 and Poly1305 (src/zmtp/wire/salsa20.ts,
 * poly1305.ts): the published known answers (the Salsa20 specification's
 * example, NaCl's 4 MiB XSalsa20 stream, RFC 8439's Poly1305 vectors with
 * the carry and reduction edge cases of its appendix A.3), then random and
 * crafted inputs against @noble/ciphers as the reference, at every
 * alignment the frame buffers can have.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { poly1305 } from "@noble/ciphers/_poly1305";
import { hsalsa, salsa20 } from "@noble/ciphers/salsa";
import { hsalsa20, salsa20XorInPlace, wordLE, wordsLE } from "../../../src/zmtp/wire/salsa20.js";
import { poly1305Into } from "../../../src/zmtp/wire/poly1305.js";
import { prefixKey } from "../../../src/zmtp/wire/curve-crypto.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const seq = (first: number, n: number) => Uint8Array.from({ length: n }, (_, i) => first + i);

/** Our Salsa20 over a copy of `data` placed `offset` octets into a larger buffer. */
function ourSalsa(key: Uint8Array, nonce: Uint8Array, data: Uint8Array, offset: number): Buffer {
  const buf = new Uint8Array(offset + data.length + 3).subarray(offset, offset + data.length);
  buf.set(data);
  salsa20XorInPlace(wordsLE(key, 0, 8), wordLE(nonce, 0), wordLE(nonce, 4), buf);
  return Buffer.from(buf);
}

/** Our Poly1305 tag of `message` placed `offset` octets into a larger buffer. */
function ourTag(key: Uint8Array, message: Uint8Array, offset = 0): Buffer {
  const placed = new Uint8Array(offset + message.length).subarray(offset);
  placed.set(message);
  const out = Buffer.alloc(16);
  poly1305Into(key, placed, out, 0);
  return out;
}

test("Salsa20: the specification's example of the expansion function (k = 1..16, 201..216; n = 101..116)", () => {
  const key = new Uint8Array([...seq(1, 16), ...seq(201, 16)]);
  const n = seq(101, 16);
  const block = new Uint8Array(64);
  // Octets 8..15 of n are the block counter, low word first.
  salsa20XorInPlace(wordsLE(key, 0, 8), wordLE(n, 0), wordLE(n, 4), block, wordLE(n, 8), wordLE(n, 12));
  assert.deepEqual(Array.from(block), [
    69, 37, 68, 39, 41, 15, 107, 193, 255, 139, 122, 6, 170, 233, 217, 98, 89, 144, 182, 106, 21, 51, 200, 65, 239, 49, 222, 34, 215, 114, 40, 126,
    104, 197, 7, 225, 197, 153, 31, 2, 102, 78, 76, 176, 84, 245, 246, 184, 177, 160, 133, 130, 6, 72, 149, 119, 192, 195, 132, 236, 234, 103, 246, 74,
  ]);
});

test("XSalsa20: NaCl's stream test, 4 MiB of keystream under its firstkey and nonce, by SHA-256", () => {
  const firstKey = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
  const nonce = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
  const stream = new Uint8Array(4 * 1024 * 1024);
  salsa20XorInPlace(prefixKey(firstKey, nonce.subarray(0, 16)), wordLE(nonce, 16), wordLE(nonce, 20), stream);
  assert.equal(createHash("sha256").update(stream).digest("hex"), "662b9d0e3463029156069b12f918691a98f7dfb2ca0393c96bbfc6b1fbd630a2");
});

test("Salsa20 equals @noble/ciphers for random keys, nonces, lengths 0..2000 and every alignment", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ minLength: 0, maxLength: 2000 }),
      fc.integer({ min: 0, max: 7 }),
      (key, nonce, data, offset) => {
        assert.deepEqual(ourSalsa(key, nonce, data, offset), Buffer.from(salsa20(key, nonce, data)));
      },
    ),
    { numRuns: 400 },
  );
});

test("Salsa20 equals @noble/ciphers on large buffers, aligned and not", () => {
  for (const [length, offset] of [[65_536, 0], [100_003, 1], [1024 * 1024 + 17, 0], [262_144, 6]] as const) {
    const key = seq(length & 0xff, 32);
    const nonce = seq(offset * 3, 8);
    const data = Uint8Array.from({ length }, (_, i) => (i * 131) & 0xff);
    assert.deepEqual(ourSalsa(key, nonce, data, offset), Buffer.from(salsa20(key, nonce, data)), `${length} at ${offset}`);
  }
});

test("HSalsa20 (prefixKey) equals @noble/ciphers for random keys and prefixes", () => {
  const sigma = wordsLE(Buffer.from("expand 32-byte k", "latin1"), 0, 4);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (key, prefix) => {
      const reference = new Uint32Array(8);
      hsalsa(sigma, wordsLE(key, 0, 8), wordsLE(prefix, 0, 4), reference);
      const ours = new Uint32Array(8);
      hsalsa20(wordsLE(key, 0, 8), wordsLE(prefix, 0, 4), ours);
      assert.deepEqual(ours, reference);
      assert.deepEqual(prefixKey(key, prefix), reference);
    }),
    { numRuns: 200 },
  );
});

const IETF_TEXT =
  "Any submission to the IETF intended by the Contributor for publication as all or part of an IETF Internet-Draft or RFC and any " +
  'statement made within the context of an IETF activity is considered an "IETF Contribution". Such statements include oral ' +
  "statements in IETF sessions, as well as written and electronic communications made at any time or place, which are addressed to";
const JABBERWOCKY = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\nAll mimsy were the borogoves,\nAnd the mome raths outgrabe.";
const zeros = (n: number) => "00".repeat(n);
const ffs = (n: number) => "ff".repeat(n);

/** RFC 8439 section 2.5.2 and appendix A.3: [name, key (r then s), message, tag]. */
const POLY1305_VECTORS: [string, string, Uint8Array, string][] = [
  ["2.5.2", "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", Buffer.from("Cryptographic Forum Research Group"), "a8061dc1305136c6c22b8baf0c0127a9"],
  ["A.3 #1", zeros(32), hex(zeros(64)), zeros(16)],
  ["A.3 #2", zeros(16) + "36e5f6b5c5e06070f0efca96227a863e", Buffer.from(IETF_TEXT), "36e5f6b5c5e06070f0efca96227a863e"],
  ["A.3 #3", "36e5f6b5c5e06070f0efca96227a863e" + zeros(16), Buffer.from(IETF_TEXT), "f3477e7cd95417af89a6b8794c310cf0"],
  ["A.3 #4", "1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0", Buffer.from(JABBERWOCKY), "4541669a7eaaee61e708dc7cbcc5eb62"],
  // The edge cases: h reaching p exactly, carries through every limb, s wrapping at 2^128.
  ["A.3 #5", "02" + zeros(31), hex(ffs(16)), "03" + zeros(15)],
  ["A.3 #6", "02" + zeros(15) + ffs(16), hex("02" + zeros(15)), "03" + zeros(15)],
  ["A.3 #7", "01" + zeros(31), hex(ffs(16) + "f0" + ffs(15) + "11" + zeros(15)), "05" + zeros(15)],
  ["A.3 #8", "01" + zeros(31), hex(ffs(16) + "fb" + "fe".repeat(15) + "01".repeat(16)), zeros(16)],
  ["A.3 #9", "02" + zeros(31), hex("fd" + ffs(15)), "fa" + ffs(15)],
  ["A.3 #10", "01" + zeros(7) + "04" + zeros(23), hex("e33594d7505e43b9" + zeros(8) + "3394d7505e4379cd01" + zeros(7) + zeros(16) + "01" + zeros(15)), "14" + zeros(7) + "55" + zeros(7)],
  ["A.3 #11", "01" + zeros(7) + "04" + zeros(23), hex("e33594d7505e43b9" + zeros(8) + "3394d7505e4379cd01" + zeros(7) + zeros(16)), "13" + zeros(15)],
];

test("Poly1305: RFC 8439's vectors, 2.5.2 and A.3 #1 to #11, at several alignments", () => {
  for (const [name, key, message, tag] of POLY1305_VECTORS) {
    for (const offset of [0, 1, 2, 3]) assert.equal(ourTag(hex(key), message, offset).toString("hex"), tag, `${name} at ${offset}`);
  }
});

test("Poly1305 equals @noble/ciphers for random keys, messages of 0..2000 octets and every alignment", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 0, maxLength: 2000 }), fc.integer({ min: 0, max: 7 }), (key, message, offset) => {
      assert.deepEqual(ourTag(key, message, offset), Buffer.from(poly1305(message, key)));
    }),
    { numRuns: 400 },
  );
});

test("Poly1305 equals @noble/ciphers on crafted extremes: all-0xff messages, r and s at their clamped bounds", () => {
  const rs = [zeros(16), ffs(16), "0f" + ffs(3) + ("fc" + ffs(2) + "0f").repeat(3), "01" + zeros(15), "fc" + ffs(2) + "0f" + zeros(12)];
  const ss = [zeros(16), ffs(16), "fb" + ffs(15)];
  const messages = [0, 1, 15, 16, 17, 31, 32, 33, 64, 257, 1024, 4099].flatMap((n) => [new Uint8Array(n).fill(0xff), new Uint8Array(n), Uint8Array.from({ length: n }, (_, i) => (i & 1 ? 0xff : 0xfe))]);
  for (const r of rs) {
    for (const s of ss) {
      const key = hex(r + s);
      for (const message of messages) {
        assert.deepEqual(ourTag(key, message), Buffer.from(poly1305(message, key)), `r ${r} s ${s} length ${message.length}`);
      }
    }
  }
  fc.assert(
    fc.property(fc.constantFrom(...rs), fc.constantFrom(...ss), fc.array(fc.constantFrom(0x00, 0x01, 0xfe, 0xff), { maxLength: 600 }), (r, s, octets) => {
      const key = hex(r + s);
      const message = Uint8Array.from(octets);
      assert.deepEqual(ourTag(key, message), Buffer.from(poly1305(message, key)));
    }),
    { numRuns: 300 },
  );
});

test("Poly1305 equals @noble/ciphers on 1 MiB messages", () => {
  for (const fill of [0x00, 0xff, 0x5a]) {
    const key = seq(fill, 32);
    const message = new Uint8Array(1024 * 1024 + 5).fill(fill);
    assert.deepEqual(ourTag(key, message), Buffer.from(poly1305(message, key)), `fill ${fill}`);
  }
});
