/**
 * Z85, the ZeroMQ base-85 encoding: RFC 32 (rfc.zeromq.org/spec/32).
 *
 * Four octets become five printable characters, so the 32-octet CURVE keys
 * print as 40 characters. Encoding needs a length that is a multiple of 4,
 * decoding one that is a multiple of 5; anything else, or a character
 * outside the alphabet, or a group worth more than 2^32 - 1, is refused
 * with EINVAL.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Character code -> digit value, -1 for characters outside the alphabet. */
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes octets as Z85 text.
 * @throws ZmqError EINVAL when the length is not a multiple of 4
 */
export function encode(data: Uint8Array): string {
  if (data.length % 4 !== 0) {
    throw new ZmqError("EINVAL", `Z85 encodes a multiple of 4 octets, got ${data.length}`);
  }
  let out = "";
  for (let i = 0; i < data.length; i += 4) {
    let value = ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!) >>> 0;
    let group = "";
    for (let j = 0; j < 5; j++) {
      group = ALPHABET[value % 85]! + group;
      value = Math.floor(value / 85);
    }
    out += group;
  }
  return out;
}

/**
 * Decodes Z85 text into octets.
 * @throws ZmqError EINVAL when the length is not a multiple of 5, a character
 *   is not in the Z85 alphabet, or a group does not fit in 4 octets
 */
export function decode(text: string): Buffer {
  if (typeof text !== "string") throw new ZmqError("EINVAL", "Z85 text must be a string");
  if (text.length % 5 !== 0) {
    throw new ZmqError("EINVAL", `Z85 text must be a multiple of 5 characters long, got ${text.length}`);
  }
  const out = Buffer.allocUnsafe((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? DIGITS[code]! : -1;
      if (digit < 0) throw new ZmqError("EINVAL", `invalid Z85 character at position ${i + j}`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new ZmqError("EINVAL", `invalid Z85 group at position ${i}: worth more than 4 octets`);
    out.writeUInt32BE(value, o);
  }
  return out;
}

/** Z85 encoding and decoding (RFC 32), as `{ encode, decode }`. */
export const z85 = { encode, decode } as const;
