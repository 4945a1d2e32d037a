/**
 * The NaCl primitives CurveZMQ is built on (RFC 26): X25519 key agreement,
 * and crypto_box as XSalsa20-Poly1305 under a key precomputed once per
 * peer (crypto_box_beforenm), so that each box costs one secretbox.
 *
 * X25519 runs on node:crypto (OpenSSL), which is several times faster
 * than a JavaScript implementation for the handshake's key agreements.
 * Node has neither Salsa20 nor a Poly1305 it lets us key: XSalsa20 and
 * Poly1305 are our own (salsa20.ts, poly1305.ts, checked against
 * @noble/ciphers in the tests). Boxes are in the libsodium "easy" layout:
 * the 16-octet Poly1305 tag, then the ciphertext.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from "node:crypto";
import { ZmtpProtocolError } from "./errors.js";
import { poly1305Into } from "./poly1305.js";
import { hsalsa20, salsa20XorInPlace, wordLE, wordsLE } from "./salsa20.js";

/** Octets of an X25519 public or secret key. */
export const KEY_SIZE = 32;
/** Octets a box adds to its plaintext (the Poly1305 tag). */
export const BOX_OVERHEAD = 16;
/** Octets of a box nonce. */
export const NONCE_SIZE = 24;

/** A long-term or short-term key pair, the secret half held by node:crypto. */
export interface KeyPair {
  /** The public key, 32 octets. */
  readonly publicKey: Buffer;
  /** The secret key: never exported again once imported. */
  readonly secret: KeyObject;
}

/** DER prefix of a PKCS#8 X25519 private key, followed by the 32 raw octets (RFC 8410). */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

/**
 * Makes a fresh key pair (the short-term keys of a handshake): 32 random
 * octets imported as an X25519 secret key (any 32 octets are one; the
 * clamping is part of X25519).
 *
 * Not `generateKeyPairSync("x25519")`: in Node 20 a key it made shares a
 * lock with the job that made it, and exporting the key holds that lock
 * while allocating; when that allocation collects the job, the job's
 * destructor waits on the same lock and the process hangs for good (seen
 * about once in 40,000 handshakes, under the CURVE fuzz properties).
 */
export function generateKeyPair(): KeyPair {
  const secret = randomBytes(KEY_SIZE);
  try {
    return importSecretKey(secret);
  } finally {
    secret.fill(0);
  }
}

/**
 * Imports a raw 32-octet secret key, with the public key it belongs to.
 *
 * Through JWK, because OpenSSL 3's DER decoders take about 0.7 ms for a
 * PKCS#8 key against 35 us for JWK, and a socket imports its key once
 * (a client that connects once pays it per handshake). Node reads only
 * `d` of a private OKP key, but requires `x` to be a string: the public
 * half is what we are about to derive, so it is left empty. Should a
 * Node release start to check `x`, the import falls back to DER.
 */
export function importSecretKey(secretKey: Uint8Array): KeyPair {
  let secret: KeyObject;
  try {
    secret = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: Buffer.from(secretKey).toString("base64url"), x: "" }, format: "jwk" });
  } catch {
    secret = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: "der", type: "pkcs8" });
  }
  return { publicKey: Buffer.from(createPublicKey(secret).export({ format: "jwk" }).x!, "base64url"), secret };
}

/** The raw secret key of a key pair (for showing a generated pair to the user). */
export function exportSecretKey(pair: KeyPair): Buffer {
  return Buffer.from(pair.secret.export({ format: "jwk" }).d!, "base64url");
}

/**
 * crypto_box_beforenm: the key two peers share, HSalsa20 of their X25519
 * secret. Throws a protocol error when the peer's public key is a
 * low-order point (the X25519 result would be all zeros).
 */
export function sharedKey(ours: KeyObject, theirPublicKey: Uint8Array): Uint8Array {
  let secret: Buffer;
  try {
    const peer = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(theirPublicKey).toString("base64url") }, format: "jwk" });
    secret = diffieHellman({ privateKey: ours, publicKey: peer });
  } catch {
    throw new ZmtpProtocolError("CURVE: the peer's public key is not usable (low-order point)", "EMECHANISM", { reason: "ERR_ZMTP_CRYPTOGRAPHIC" });
  }
  const out = new Uint32Array(8);
  hsalsa20(wordsLE(secret, 0, 8), new Uint32Array(4), out);
  secret.fill(0);
  return octetsLE(out);
}

/** Words back to their little-endian octets. */
function octetsLE(words: Uint32Array): Uint8Array {
  const octets = new Uint8Array(4 * words.length);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    octets[4 * i] = w;
    octets[4 * i + 1] = w >>> 8;
    octets[4 * i + 2] = w >>> 16;
    octets[4 * i + 3] = w >>> 24;
  }
  return octets;
}

/** Seals `plaintext` into a new box: tag then ciphertext. */
export function sealBox(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(plaintext.length + 2 * BOX_OVERHEAD);
  buf.set(plaintext, 2 * BOX_OVERHEAD);
  sealBoxInPlace(key, nonce, buf);
  return buf.subarray(BOX_OVERHEAD);
}

/**
 * Seals in place: `buf` holds the plaintext from offset 32 on; on return
 * the box (tag then ciphertext) fills it from offset 16, and octets 0 to 15
 * are free for the caller to write (a command's header). No copy of the
 * plaintext is made outside `buf`.
 */
export function sealBoxInPlace(key: Uint8Array, nonce: Uint8Array, buf: Buffer): void {
  sealPrefixedInPlace(prefixKey(key, nonce.subarray(0, 16)), nonce.subarray(16, NONCE_SIZE), buf);
}

/** Opens a box, or returns undefined when it was not sealed with this key and nonce. */
export function openBox(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  return openPrefixed(prefixKey(key, nonce.subarray(0, 16)), nonce.subarray(16, NONCE_SIZE), box);
}

/** The key of {@link prefixKey}: XSalsa20's subkey as eight 32-bit words. */
export type PrefixKey = Uint32Array;

/**
 * The key of XSalsa20 for one fixed 16-octet nonce prefix: XSalsa20 under
 * `key` with a nonce `prefix + n` is Salsa20 under this key with nonce
 * `n`. A CURVE connection's MESSAGE nonces share their prefix, so the
 * HSalsa20 step is done once per direction instead of once per frame.
 */
export function prefixKey(key: Uint8Array, prefix: Uint8Array): PrefixKey {
  const out = new Uint32Array(8);
  hsalsa20(wordsLE(key, 0, 8), wordsLE(prefix, 0, 4), out);
  return out;
}

/**
 * A plain Uint8Array over part of `octets`. Buffer#subarray goes through
 * the species constructor and costs about twice as much, which shows on
 * the five views a small frame needs.
 */
function view(octets: Uint8Array, start: number, end: number = octets.length): Uint8Array {
  return new Uint8Array(octets.buffer, octets.byteOffset + start, end - start);
}

/**
 * {@link sealBoxInPlace} under a key from {@link prefixKey} and the last 8
 * octets of the nonce: the same box, XSalsa20-Poly1305 as NaCl makes it.
 */
export function sealPrefixedInPlace(subkey: PrefixKey, nonce8: Uint8Array, buf: Buffer): void {
  buf.fill(0, 0, 2 * BOX_OVERHEAD);
  // One pass of the stream: its first 32 octets, over the zeros, are the
  // one-time Poly1305 key; the rest encrypts the plaintext in place.
  salsa20XorInPlace(subkey, wordLE(nonce8, 0), wordLE(nonce8, 4), buf);
  poly1305Into(buf, view(buf, 2 * BOX_OVERHEAD), buf, BOX_OVERHEAD);
}

/**
 * {@link openBox} under a key from {@link prefixKey} and the last 8 octets
 * of the nonce.
 */
export function openPrefixed(subkey: PrefixKey, nonce8: Uint8Array, box: Uint8Array): Buffer | undefined {
  return openPrefixedAt(subkey, nonce8, box)?.subarray(2 * BOX_OVERHEAD);
}

/**
 * {@link openPrefixed}, with the plaintext left at offset 32 of the buffer
 * returned, so that a caller that drops a header of its own from it makes
 * one view instead of two.
 *
 * The ciphertext is copied once into the result, word-aligned whatever
 * its offset in the frame, and the stream run once over the zeros and it
 * together, as the seal does. A large box has its tag checked on that
 * aligned copy (Poly1305 reads aligned words about a quarter faster)
 * before anything is decrypted, which costs the stream's first block
 * twice; a small one is decrypted in the same pass that makes the
 * Poly1305 key and its tag checked on the box as received. Either way a
 * box that fails is never returned, and its decryption is wiped.
 */
export function openPrefixedAt(subkey: PrefixKey, nonce8: Uint8Array, box: Uint8Array): Buffer | undefined {
  if (box.length < BOX_OVERHEAD) return undefined;
  const n0 = wordLE(nonce8, 0);
  const n1 = wordLE(nonce8, 4);
  const out = Buffer.allocUnsafe(box.length + BOX_OVERHEAD);
  out.fill(0, 0, 2 * BOX_OVERHEAD);
  const ciphertext = view(box, BOX_OVERHEAD);
  const tagFirst = ciphertext.length >= TAG_FIRST_FROM;
  if (tagFirst) salsa20XorInPlace(subkey, n0, n1, view(out, 0, 2 * BOX_OVERHEAD));
  out.set(ciphertext, 2 * BOX_OVERHEAD);
  if (!tagFirst) salsa20XorInPlace(subkey, n0, n1, out);
  // The tag is written over the second half of the Poly1305 key, which
  // is read first.
  poly1305Into(out, tagFirst ? view(out, 2 * BOX_OVERHEAD) : ciphertext, out, BOX_OVERHEAD);
  if (!sameTag(out, BOX_OVERHEAD, box)) {
    out.fill(0);
    return undefined;
  }
  if (tagFirst) {
    out.fill(0, 0, 2 * BOX_OVERHEAD);
    salsa20XorInPlace(subkey, n0, n1, out);
  }
  return out;
}

/** Ciphertext octets from which {@link openPrefixedAt} checks the tag on an aligned copy first. */
const TAG_FIRST_FROM = 1024;

/** Compares the 16 octets at `at` of `a` with the first 16 of `b`, in time that does not depend on where they differ. */
function sameTag(a: Uint8Array, at: number, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < BOX_OVERHEAD; i++) diff |= a[at + i]! ^ b[i]!;
  return diff === 0;
}

/** A 24-octet nonce: an ASCII prefix, then the given octets. */
export function boxNonce(prefix: string, rest: Uint8Array): Buffer {
  const n = Buffer.allocUnsafe(NONCE_SIZE);
  n.write(prefix, 0, "latin1");
  n.set(rest, prefix.length);
  return n;
}
