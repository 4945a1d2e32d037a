/**
 * Nesting and value-count bounds of received msgpack and JSON, checked on
 * the octets before any value is built. A megabyte of `[` (JSON) or `0x91`
 * (msgpack) is a million levels: decoding it takes seconds and over a
 * hundred megabytes, and any recursive walk over the result overflows the
 * stack. Sixteen megabytes of msgpack nil, or of empty arrays, are sixteen
 * million values: hundreds of megabytes of objects. The scans below count
 * levels and values without allocating and stop at the bound.
 *
 * @module
 */
import { RpcProtocolError } from './errors.js';

/**
 * Deepest nesting accepted in a received value: msgpack's own encoder
 * refuses to write deeper (its `maxDepth`), so nothing deeper could be
 * echoed back either.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * Most values one received message may decode to (containers count, each
 * scalar counts; a msgpack bin or ext weighs {@link HEAVY_VALUE_WEIGHT}):
 * a million values are tens of megabytes of objects, far beyond any call's
 * arguments, where a 16 MiB message could otherwise be sixteen million.
 */
export const MAX_DECODED_VALUES = 1_000_000;

/** What a msgpack bin or ext counts against {@link MAX_DECODED_VALUES}: its Buffer or ExtData costs several plain values. */
export const HEAVY_VALUE_WEIGHT = 4;

/** The refusal of a message past {@link MAX_DECODED_VALUES} (or a smaller budget). */
export function tooManyValues(max: number): RpcProtocolError {
  return new RpcProtocolError(`value made of more than ${max} values`, 'TOO_LARGE');
}

function tooDeep(max: number): RpcProtocolError {
  return new RpcProtocolError(`value nested deeper than ${max} levels`, 'TOO_LARGE');
}

/** Elements of the container whose head {@link skipOf} last read (array: n, map: 2n; else 0). */
let children = 0;

/** Big-endian unsigned integer of `n` octets after `i`; -1 when truncated. */
function lengthAt(b: Uint8Array, i: number, n: number): number {
  if (i + 1 + n > b.length) return -1;
  let v = 0;
  for (let k = 1; k <= n; k++) v = v * 256 + b[i + k]!;
  return v;
}

/**
 * Octets after the type octet of the item at `i` that are not items
 * themselves (length fields, payloads), per msgpack's "Formats"; sets
 * {@link children}. -1 when truncated.
 */
function skipOf(b: Uint8Array, i: number): number {
  const t = b[i]!;
  children = 0;
  if (t <= 0x7f || t >= 0xe0) return 0; // fixints
  if (t <= 0x8f) {
    children = 2 * (t & 0x0f); // fixmap
    return 0;
  }
  if (t <= 0x9f) {
    children = t & 0x0f; // fixarray
    return 0;
  }
  if (t <= 0xbf) return t & 0x1f; // fixstr
  let n: number;
  switch (t) {
    case 0xc4: case 0xd9: return (n = lengthAt(b, i, 1)) < 0 ? -1 : 1 + n; // bin8, str8
    case 0xc5: case 0xda: return (n = lengthAt(b, i, 2)) < 0 ? -1 : 2 + n;
    case 0xc6: case 0xdb: return (n = lengthAt(b, i, 4)) < 0 ? -1 : 4 + n;
    case 0xc7: return (n = lengthAt(b, i, 1)) < 0 ? -1 : 2 + n; // ext8: length, type, data
    case 0xc8: return (n = lengthAt(b, i, 2)) < 0 ? -1 : 3 + n;
    case 0xc9: return (n = lengthAt(b, i, 4)) < 0 ? -1 : 5 + n;
    case 0xca: return 4; // float32
    case 0xcb: return 8; // float64
    case 0xcc: case 0xd0: return 1;
    case 0xcd: case 0xd1: return 2;
    case 0xce: case 0xd2: return 4;
    case 0xcf: case 0xd3: return 8;
    case 0xd4: return 2; // fixext1..16: type + data
    case 0xd5: return 3;
    case 0xd6: return 5;
    case 0xd7: return 9;
    case 0xd8: return 17;
    case 0xdc: case 0xdd: case 0xde: case 0xdf: {
      const bytes = t === 0xdc || t === 0xde ? 2 : 4;
      if ((n = lengthAt(b, i, bytes)) < 0) return -1;
      children = t >= 0xde ? 2 * n : n;
      return bytes;
    }
    default: return 0; // nil, booleans, and 0xc1 (never used: the decoder rejects it)
  }
}

/**
 * Throws when the msgpack value in `b` nests deeper than `max` levels, or
 * when a container announces more elements than octets remain (each element
 * takes at least one: the claim is false, and believing it would allocate).
 * Anything else malformed is left to the decoder.
 *
 * @throws RpcProtocolError (`TOO_LARGE` or `MALFORMED`).
 */
export function checkMsgpackNesting(b: Uint8Array, max: number = MAX_NESTING_DEPTH): void {
  if (b.length <= max) return; // each level takes at least one octet
  // remaining[d]: elements still to read in the container open at depth d.
  const remaining: number[] = [];
  let i = 0;
  while (i < b.length) {
    const skip = skipOf(b, i);
    if (skip < 0) return; // truncated: the decoder says so
    i += 1 + skip;
    while (remaining.length > 0 && remaining[remaining.length - 1] === 0) remaining.pop();
    if (remaining.length > 0) remaining[remaining.length - 1]!--;
    if (children > 0) {
      if (children > b.length - i) throw new RpcProtocolError(`a container announces ${children} elements, more than the octets left`, 'MALFORMED');
      remaining.push(children);
      if (remaining.length > max) throw tooDeep(max);
    }
  }
}

/** What the msgpack item whose type octet is `t` counts against a value budget. */
export function msgpackWeight(t: number): number {
  return (t >= 0xc4 && t <= 0xc9) || (t >= 0xd4 && t <= 0xd8) ? HEAVY_VALUE_WEIGHT : 1;
}

/**
 * Where the msgpack value at `pos` ends, read from its headers alone,
 * without building anything or keeping a stack (only the count of items
 * still to read); -1 when the input ends first.
 *
 * @throws RpcProtocolError (`TOO_LARGE`) when the value weighs more than `max` (see {@link msgpackWeight}).
 */
export function msgpackValueEnd(b: Uint8Array, pos: number, max: number = MAX_DECODED_VALUES): number {
  let pending = 1;
  let weight = 0;
  let i = pos;
  while (pending > 0) {
    if (i >= b.length) return -1;
    const skip = skipOf(b, i);
    if (skip < 0) return -1;
    weight += msgpackWeight(b[i]!);
    if (weight > max) throw tooManyValues(max);
    i += 1 + skip;
    pending += children - 1;
  }
  return i > b.length ? -1 : i;
}

/**
 * Throws when the JSON text nests arrays and objects deeper than `max`
 * levels, or holds more than `maxValues` values (a container is one, each
 * element or member one more); brackets and commas inside strings do not
 * count. Anything else malformed is left to the parser.
 *
 * @throws RpcProtocolError (`TOO_LARGE`).
 */
export function checkJsonNesting(text: string, max: number = MAX_NESTING_DEPTH, maxValues: number = MAX_DECODED_VALUES): void {
  // Each value past the first takes two characters (itself and a comma or a bracket): a shorter text cannot pass the count.
  if (text.length > 2 * maxValues) checkJsonValues(text, max, maxValues);
  else if (text.length > 2 * max) checkJsonDepth(text, max); // each level takes two characters
}

/** The depth check alone, for texts too short to pass the value count. */
function checkJsonDepth(text: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw tooDeep(max);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** The depth check and the value count together. */
function checkJsonValues(text: string, max: number, maxValues: number): void {
  let depth = 0;
  let values = 1;
  let inString = false;
  /** The last character outside strings and whitespace. */
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    const closing = c === 0x5d || c === 0x7d;
    // A container's first element: anything but its closing bracket right after its opening one.
    if ((last === 0x5b || last === 0x7b) && !closing) values++;
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw tooDeep(max);
    } else if (closing) depth--;
    else if (c === 0x2c) values++; // each later element or member
    if (values > maxValues) throw tooManyValues(maxValues);
    last = c;
  }
}
