/**
 * CURVE keys as users handle them: Z85 text (40 characters, RFC 32) or 32
 * raw octets, as zeromq.js accepts them for `curvePublicKey`,
 * `curveSecretKey` and `curveServerKey`, and {@link curveKeyPair} to make
 * a new pair.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { KEY_SIZE, exportSecretKey, generateKeyPair } from "../wire/curve-crypto.js";
import { decode, encode } from "./z85.js";

/** Z85 characters of a key. */
const Z85_KEY_LENGTH = (KEY_SIZE / 4) * 5;

/** A CURVE key pair in Z85 text, as `curveKeyPair()` gives it. */
export interface CurveKeyPair {
  /** The public key: give it to peers (`curveServerKey` of clients, or an authenticator's allow list). */
  publicKey: string;
  /** The secret key: keep it to this side (`curveSecretKey`). */
  secretKey: string;
}

/**
 * Makes a new CURVE key pair, as zeromq.js's `curveKeyPair()` does: both
 * keys as 40-character Z85 strings.
 *
 * ```ts
 * const server = curveKeyPair();
 * const sock = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  const pair = generateKeyPair();
  return { publicKey: encode(pair.publicKey), secretKey: encode(exportSecretKey(pair)) };
}

/**
 * Reads a key option: a 40-character Z85 string or 32 octets.
 * @throws ZmqError EINVAL otherwise; the message never quotes the value
 */
export function parseCurveKey(value: unknown, option: string): Buffer {
  if (typeof value === "string") {
    if (value.length !== Z85_KEY_LENGTH) {
      throw new ZmqError("EINVAL", `${option} must be a ${Z85_KEY_LENGTH}-character Z85 string or ${KEY_SIZE} octets, got a string of ${value.length} characters`);
    }
    try {
      return decode(value);
    } catch (err) {
      throw new ZmqError("EINVAL", `${option} is not valid Z85: ${(err as Error).message}`);
    }
  }
  if (value instanceof Uint8Array) {
    if (value.length !== KEY_SIZE) {
      throw new ZmqError("EINVAL", `${option} must be a ${Z85_KEY_LENGTH}-character Z85 string or ${KEY_SIZE} octets, got ${value.length} octets`);
    }
    return Buffer.from(value);
  }
  throw new ZmqError("EINVAL", `${option} must be a ${Z85_KEY_LENGTH}-character Z85 string or ${KEY_SIZE} octets`);
}

/** A key as Z85 text (for ZAP requests and user ids). */
export function keyText(key: Uint8Array): string {
  return encode(key);
}
