/**
 * The NaCl primitives CurveZMQ is built on (RFC 26): X25519 key agreement,
 * and crypto_box as XSalsa20-Poly1305 under a key precomputed once per
 * peer (crypto_box_beforenm), so that each box costs one secretbox.
 *
 * X25519 runs on node:crypto (OpenSSL), which is several times faster
 * than a JavaScript implementation for the handshake's key agreements;
 * XSalsa20-Poly1305 and HSalsa20, which Node does not have, come from
 * @noble/ciphers. Boxes are in the libsodium "easy" layout: the 16-octet
 * Poly1305 tag, then the ciphertext.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from "node:crypto";
import { poly1305 } from "@noble/ciphers/_poly1305";
import { hsalsa, salsa20, xsalsa20poly1305 } from "@noble/ciphers/salsa";
import { equalBytes } from "@noble/ciphers/utils";
import { ZmtpProtocolError } from "./errors.js";

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

/** Copies octets into a fresh, aligned Uint32Array (little-endian words, as Salsa20 reads them). */
function words(octets: Uint8Array): Uint32Array {
  const w = new Uint32Array(octets.length / 4);
  new Uint8Array(w.buffer).set(octets);
  return w;
}

const SIGMA = words(Buffer.from("expand 32-byte k", "latin1"));

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
    throw new ZmtpProtocolError("CURVE: the peer's public key is not usable (low-order point)", "EMECHANISM");
  }
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(secret), new Uint32Array(4), out);
  secret.fill(0);
  return new Uint8Array(out.buffer);
}

/** Seals `plaintext` into a new box: tag then ciphertext. */
export function sealBox(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(plaintext.length + 2 * BOX_OVERHEAD);
  xsalsa20poly1305(key, nonce).encrypt(plaintext, out);
  return out.subarray(BOX_OVERHEAD);
}

/**
 * Seals in place: `buf` holds the plaintext from offset 32 on; on return
 * the box (tag then ciphertext) fills it from offset 16, and octets 0 to 15
 * are free for the caller to write (a command's header). No copy of the
 * plaintext is made outside `buf`.
 */
export function sealBoxInPlace(key: Uint8Array, nonce: Uint8Array, buf: Buffer): void {
  xsalsa20poly1305(key, nonce).encrypt(buf.subarray(2 * BOX_OVERHEAD), buf);
}

/** Opens a box, or returns undefined when it was not sealed with this key and nonce. */
export function openBox(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Buffer | undefined {
  if (box.length < BOX_OVERHEAD) return undefined;
  try {
    const plain = xsalsa20poly1305(key, nonce).decrypt(box);
    return Buffer.from(plain.buffer, plain.byteOffset, plain.length);
  } catch {
    return undefined;
  }
}

/**
 * The key of XSalsa20 for one fixed 16-octet nonce prefix: XSalsa20 under
 * `key` with a nonce `prefix + n` is Salsa20 under this key with nonce
 * `n`. A CURVE connection's MESSAGE nonces share their prefix, so the
 * HSalsa20 step is done once per direction instead of once per frame.
 */
export function prefixKey(key: Uint8Array, prefix: Uint8Array): Uint8Array {
  const out = new Uint32Array(8);
  hsalsa(SIGMA, words(key), words(prefix), out);
  return new Uint8Array(out.buffer);
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
 * `nonce8` should start at an offset that is a multiple of 4, or the
 * cipher copies it on every call.
 */
export function sealPrefixedInPlace(subkey: Uint8Array, nonce8: Uint8Array, buf: Buffer): void {
  buf.fill(0, 0, 2 * BOX_OVERHEAD);
  // One pass of the stream: its first 32 octets, over the zeros, are the
  // one-time Poly1305 key; the rest encrypts the plaintext in place.
  salsa20(subkey, nonce8, buf, buf);
  tagInto(view(buf, 0, 2 * BOX_OVERHEAD), view(buf, 2 * BOX_OVERHEAD), view(buf, BOX_OVERHEAD, 2 * BOX_OVERHEAD));
}

/**
 * {@link openBox} under a key from {@link prefixKey} and the last 8 octets
 * of the nonce (aligned, as for {@link sealPrefixedInPlace}).
 */
export function openPrefixed(subkey: Uint8Array, nonce8: Uint8Array, box: Uint8Array): Buffer | undefined {
  return openPrefixedAt(subkey, nonce8, box)?.subarray(2 * BOX_OVERHEAD);
}

/**
 * {@link openPrefixed}, with the plaintext left at offset 32 of the buffer
 * returned, so that a caller that drops a header of its own from it makes
 * one view instead of two.
 *
 * The stream is run once over the zeros and the ciphertext together, as
 * the seal does, which halves the cipher calls of a small frame. The tag
 * is still checked against the ciphertext as received before the result
 * is released: a box that fails has its decryption wiped, never returned.
 */
export function openPrefixedAt(subkey: Uint8Array, nonce8: Uint8Array, box: Uint8Array): Buffer | undefined {
  if (box.length < BOX_OVERHEAD) return undefined;
  const out = Buffer.allocUnsafe(box.length + BOX_OVERHEAD);
  const ciphertext = view(box, BOX_OVERHEAD);
  out.fill(0, 0, 2 * BOX_OVERHEAD);
  out.set(ciphertext, 2 * BOX_OVERHEAD);
  salsa20(subkey, nonce8, out, out);
  const tag = view(out, BOX_OVERHEAD, 2 * BOX_OVERHEAD);
  tagInto(view(out, 0, 2 * BOX_OVERHEAD), ciphertext, tag);
  if (!equalBytes(tag, view(box, 0, BOX_OVERHEAD))) {
    out.fill(0);
    return undefined;
  }
  return out;
}

/**
 * Writes the Poly1305 tag of `data` under the one-time key `authKey` into
 * `out` (16 octets, which may overlap the key: it is read first), with no
 * intermediate copy of the tag.
 */
function tagInto(authKey: Uint8Array, data: Uint8Array, out: Uint8Array): void {
  const mac = poly1305.create(authKey).update(data);
  mac.digestInto(out);
  mac.destroy();
}

/** A 24-octet nonce: an ASCII prefix, then the given octets. */
export function boxNonce(prefix: string, rest: Uint8Array): Buffer {
  const n = Buffer.allocUnsafe(NONCE_SIZE);
  n.write(prefix, 0, "latin1");
  n.set(rest, prefix.length);
  return n;
}
