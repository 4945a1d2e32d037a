/**
 * `node:crypto` for the portable bundles: random octets from Web Crypto,
 * a constant-time compare; what CURVE and the PLAIN server need beyond that
 * (X25519 keys, SHA-256) is absent there and says so when used.
 */
import { Buffer } from "./buffer.js";

/** `randomBytes(n)` from `crypto.getRandomValues`. */
export function randomBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  // getRandomValues fills at most 65536 octets a call.
  for (let at = 0; at < size; at += 65536) globalThis.crypto.getRandomValues(out.subarray(at, Math.min(size, at + 65536)));
  return out;
}

/** Compares without an early exit, as Node's does. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError("Input buffers must have the same byte length");
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function absent(name: string): () => never {
  return () => {
    throw new Error(`${name} is not available in purezmq's browser and Worker build (CURVE and the PLAIN server are Node-only there)`);
  };
}

export const createHash = absent("crypto.createHash");
export const createPrivateKey = absent("crypto.createPrivateKey");
export const createPublicKey = absent("crypto.createPublicKey");
export const diffieHellman = absent("crypto.diffieHellman");
