/**
 * Texts of the error values we send: they may quote what the remote peer
 * sent (a method name of up to 65534 octets) or describe what a handler
 * threw, and must still fit one luatobin string, cut between characters so
 * that the peer reads valid UTF-8.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { MAX_U16_EXCLUSIVE } from "./encoder.js";

/** Most octets of a peer's name quoted in an error text. */
export const MAX_QUOTED_NAME_OCTETS = 200;

/** Marks a cut text; its octets count within the bound. */
const CUT_MARK = "...";

/**
 * `text` when its UTF-8 form fits `maxOctets`, else its longest prefix
 * that fits together with `"..."`, cut between characters (never inside a
 * UTF-8 sequence or a surrogate pair).
 *
 * @param text - the text.
 * @param maxOctets - most UTF-8 octets of the result (at least 3).
 */
export function clip(text: string, maxOctets: number): string {
  // Each UTF-16 unit is at most 3 octets: short texts need no measuring.
  if (text.length * 3 <= maxOctets) return text;
  const octets = Buffer.from(text, "utf8");
  if (octets.length <= maxOctets) return text;
  let end = Math.max(0, maxOctets - CUT_MARK.length);
  while (end > 0 && (octets[end]! & 0xc0) === 0x80) end--; // back to the start of a character
  return octets.toString("utf8", 0, end) + CUT_MARK;
}

/**
 * `text` made sendable as one luatobin string: a lone surrogate becomes
 * U+FFFD (the encoder refuses it) and the whole is clipped to 65534 octets.
 *
 * @param text - the text.
 */
export function sendableText(text: string): string {
  return clip(Buffer.from(text, "utf8").toString("utf8"), MAX_U16_EXCLUSIVE - 1);
}
