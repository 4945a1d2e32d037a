/**
 * msgpack values that survive the trip: the encoder and decoder of the RPC
 * protocols that speak msgpack (LuaOverMQ, dotcloud zerorpc), per the
 * msgpack specification's "Formats".
 *
 * What comes back as what:
 * - A map whose keys are all strings is a plain object; a map with any other
 *   key (integer, boolean, nil, binary, float, array...) is a `Map` holding
 *   the keys as decoded, in wire order; a `Map` is encoded with its keys as
 *   they are, so `{1: "a"}` from Lua or Python goes back as `{1: "a"}`.
 * - Integers are `number` when safe (|n| <= 2^53 - 1) and `bigint` beyond;
 *   a `bigint` is encoded as the smallest integer format that holds it, so a
 *   64-bit integer keeps every bit both ways.
 * - JavaScript has one number type: an integral `number` (`1.0` too) is sent
 *   as an integer, any other as float 64; a received float with an integral
 *   value (`1.0`) is the number `1`. float 32 is read, never written.
 * - str is `string`; bin is a `Buffer` viewing the received frame (no
 *   copy; a `Uint8Array` is sent as bin);
 *   nil and `undefined` are sent as nil, nil is read as `null`; ext is an
 *   `ExtData`, sent back as it came.
 *
 * The decoder is iterative (no recursion over peer-chosen depth), refuses
 * nesting deeper than {@link MAX_NESTING_DEPTH}, any count that the
 * remaining octets cannot hold, so a lying header allocates nothing, and a
 * value of more than {@link MAX_DECODED_VALUES} values, found from the
 * headers before anything is built.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { ExtData } from "@msgpack/msgpack";
import { RpcProtocolError } from "./errors.js";
import { MAX_DECODED_VALUES, MAX_NESTING_DEPTH, msgpackValueEnd, msgpackWeight, tooManyValues } from "./nesting.js";

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A growing output buffer. */
class Writer {
  buf = Buffer.allocUnsafe(256);
  pos = 0;

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** A type octet then an unsigned big-endian length of 1, 2 or 4 octets. */
  head(type: number, size: 1 | 2 | 4, n: number): void {
    this.room(1 + size);
    this.buf[this.pos++] = type;
    this.buf.writeUIntBE(n, this.pos, size);
    this.pos += size;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function unencodable(message: string): RpcProtocolError {
  return new RpcProtocolError(`cannot encode value as msgpack: ${message}`, "UNENCODABLE");
}

function writeInt(w: Writer, n: bigint): void {
  if (n >= 0n) {
    if (n < 128n) w.byte(Number(n));
    else if (n < 0x100n) w.head(0xcc, 1, Number(n));
    else if (n < 0x10000n) w.head(0xcd, 2, Number(n));
    else if (n < 0x100000000n) w.head(0xce, 4, Number(n));
    else if (n <= UINT64_MAX) {
      w.room(9);
      w.buf[w.pos] = 0xcf;
      w.buf.writeBigUInt64BE(n, w.pos + 1);
      w.pos += 9;
    } else throw unencodable(`integer ${n} does not fit in 64 bits`);
    return;
  }
  if (n >= -32n) w.byte(Number(n) & 0xff);
  else if (n >= -0x80n) w.head(0xd0, 1, Number(n) & 0xff);
  else if (n >= -0x8000n) w.head(0xd1, 2, Number(n) & 0xffff);
  else if (n >= -0x80000000n) w.head(0xd2, 4, Number(n) >>> 0);
  else if (n >= INT64_MIN) {
    w.room(9);
    w.buf[w.pos] = 0xd3;
    w.buf.writeBigInt64BE(n, w.pos + 1);
    w.pos += 9;
  } else throw unencodable(`integer ${n} does not fit in 64 bits`);
}

/**
 * writeInt's formats for an integer between -2^31 and 2^32-1, in number
 * arithmetic: the integers RPC calls carry nearly always, without the
 * BigInt that writeInt needs for the 64-bit formats.
 */
function writeInt32(w: Writer, n: number): void {
  if (n >= 0) {
    if (n < 128) w.byte(n);
    else if (n < 0x100) w.head(0xcc, 1, n);
    else if (n < 0x10000) w.head(0xcd, 2, n);
    else w.head(0xce, 4, n);
    return;
  }
  if (n >= -32) w.byte(n & 0xff);
  else if (n >= -0x80) w.head(0xd0, 1, n & 0xff);
  else if (n >= -0x8000) w.head(0xd1, 2, n & 0xffff);
  else w.head(0xd2, 4, n >>> 0);
}

function writeNumber(w: Writer, n: number): void {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    if (n >= -0x80000000 && n <= 0xffffffff) writeInt32(w, n);
    else writeInt(w, BigInt(n));
    return;
  }
  w.room(9);
  w.buf[w.pos] = 0xcb;
  w.buf.writeDoubleBE(n, w.pos + 1);
  w.pos += 9;
}

function writeString(w: Writer, s: string): void {
  if (s.length < 32 && writeShortAscii(w, s)) return;
  const n = Buffer.byteLength(s, "utf8");
  if (n < 32) w.byte(0xa0 | n);
  else if (n < 0x100) w.head(0xd9, 1, n);
  else if (n < 0x10000) w.head(0xda, 2, n);
  else w.head(0xdb, 4, n);
  w.room(n);
  w.pos += w.buf.write(s, w.pos, "utf8");
}

/**
 * A fixstr of ASCII text (method names, keys): octet by octet, a seventh
 * of what Buffer.byteLength and buf.write cost for a few characters. False,
 * with nothing written, for text that is not all ASCII.
 */
function writeShortAscii(w: Writer, s: string): boolean {
  const n = s.length;
  w.room(1 + n);
  const buf = w.buf;
  const at = w.pos + 1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return false;
    buf[at + i] = c;
  }
  buf[w.pos] = 0xa0 | n;
  w.pos = at + n;
  return true;
}

function writeCount(w: Writer, n: number, fix: number, type16: number): void {
  if (n < 16) w.byte(fix | n);
  else if (n < 0x10000) w.head(type16, 2, n);
  else w.head(type16 + 1, 4, n);
}

function writeExt(w: Writer, ext: ExtData): void {
  const data = ext.data instanceof Uint8Array ? ext.data : new Uint8Array(0);
  const n = data.length;
  const fixed = [1, 2, 4, 8, 16].indexOf(n);
  if (fixed >= 0) w.byte(0xd4 + fixed);
  else if (n < 0x100) w.head(0xc7, 1, n);
  else if (n < 0x10000) w.head(0xc8, 2, n);
  else w.head(0xc9, 4, n);
  w.byte(ext.type & 0xff);
  w.bytes(data);
}

function writeValue(w: Writer, v: unknown, depth: number): void {
  switch (typeof v) {
    case "undefined":
      w.byte(0xc0);
      return;
    case "boolean":
      w.byte(v ? 0xc3 : 0xc2);
      return;
    case "number":
      writeNumber(w, v);
      return;
    case "bigint":
      writeInt(w, v);
      return;
    case "string":
      writeString(w, v);
      return;
    case "object":
      break;
    default:
      throw unencodable(`a ${typeof v} has no msgpack form`);
  }
  if (v === null) {
    w.byte(0xc0);
    return;
  }
  if (depth >= MAX_NESTING_DEPTH) throw unencodable(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
  if (v instanceof Uint8Array) {
    const n = v.length;
    w.head(n < 0x100 ? 0xc4 : n < 0x10000 ? 0xc5 : 0xc6, n < 0x100 ? 1 : n < 0x10000 ? 2 : 4, n);
    w.bytes(v);
  } else if (v instanceof ExtData) {
    writeExt(w, v);
  } else if (Array.isArray(v)) {
    writeCount(w, v.length, 0x90, 0xdc);
    for (const item of v) writeValue(w, item, depth + 1);
  } else if (v instanceof Map) {
    writeCount(w, v.size, 0x80, 0xde);
    for (const [key, value] of v) {
      writeValue(w, key, depth + 1);
      writeValue(w, value, depth + 1);
    }
  } else {
    const keys = Object.keys(v);
    writeCount(w, keys.length, 0x80, 0xde);
    for (const key of keys) {
      writeString(w, key);
      writeValue(w, (v as Record<string, unknown>)[key], depth + 1);
    }
  }
}

/**
 * Encodes a value (see the module comment for the forms).
 *
 * @throws RpcProtocolError (`UNENCODABLE`): functions, symbols, integers
 *   beyond 64 bits, nesting deeper than {@link MAX_NESTING_DEPTH}.
 */
export function encodeMsgpack(value: unknown): Buffer {
  // One scratch writer for every call: a value is encoded into it, then
  // copied out once. A getter that encodes while we encode (re-entry) gets
  // a writer of its own.
  const w = scratchBusy ? new Writer() : scratch;
  const own = w === scratch;
  scratchBusy ||= own;
  try {
    w.pos = 0;
    writeValue(w, value, 0);
    const n = w.pos;
    const out = Buffer.allocUnsafe(n);
    // Most RPC values are a few octets, where a loop beats Buffer.copy's checks threefold.
    if (n <= SMALL_COPY) for (let i = 0; i < n; i++) out[i] = w.buf[i]!;
    else w.buf.copy(out, 0, 0, n);
    return out;
  } finally {
    if (own) {
      scratchBusy = false;
      // A huge value's buffer is not kept for ever.
      if (w.buf.length > SCRATCH_KEEP) scratch = new Writer();
    }
  }
}

/** Encodings up to this size are copied out of the scratch octet by octet. */
const SMALL_COPY = 64;
/** The largest scratch buffer kept between calls of {@link encodeMsgpack}. */
const SCRATCH_KEEP = 64 * 1024;
let scratch = new Writer();
let scratchBusy = false;

/** A container being filled while decoding. */
interface Open {
  /** Values still to read (a map counts keys and values). */
  left: number;
  readonly items: unknown[];
  readonly map: boolean;
}

/** Start of the message of every `MALFORMED` error of {@link decodeMsgpack}; the rest is the detail. */
export const MALFORMED_MSGPACK = "malformed msgpack: ";

function malformed(detail: string): RpcProtocolError {
  return new RpcProtocolError(MALFORMED_MSGPACK + detail, "MALFORMED");
}

/** A map's decoded keys and values, alternating, as an object or a `Map`. */
function toMap(items: unknown[]): Record<string, unknown> | Map<unknown, unknown> {
  let strings = true;
  for (let i = 0; i < items.length; i += 2) if (typeof items[i] !== "string") strings = false;
  if (!strings) {
    const map = new Map<unknown, unknown>();
    for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
    return map;
  }
  const out: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key is data, never the object's prototype.
  for (let i = 0; i < items.length; i += 2) {
    Object.defineProperty(out, items[i] as string, { value: items[i + 1], writable: true, enumerable: true, configurable: true });
  }
  return out;
}

function toInteger(n: bigint): number | bigint {
  return n >= SAFE_MIN && n <= SAFE_MAX ? Number(n) : n;
}

/** Reads msgpack from one buffer. */
class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  take(n: number): number {
    const at = this.pos;
    if (n > this.buf.length - at) throw malformed(`truncated at octet ${at}`);
    this.pos += n;
    return at;
  }

  uint(size: number): number {
    return this.buf.readUIntBE(this.take(size), size);
  }

  /** A container's element count, refused when the rest of the input cannot hold that many. */
  count(n: number, perElement: number): number {
    if (n * perElement > this.buf.length - this.pos) throw malformed(`a header claims ${n} elements beyond the end of the input`);
    return n;
  }

  blob(n: number): Buffer {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }
}

/**
 * Reads one item: a scalar value, or a container head (`Open`) whose
 * elements follow.
 */
function readItem(r: Reader): { value: unknown } | Open {
  const t = r.buf[r.take(1)]!;
  if (t < 0x80) return { value: t };
  if (t >= 0xe0) return { value: t - 0x100 };
  if (t < 0x90) return { left: r.count((t & 0x0f) * 2, 1), items: [], map: true };
  if (t < 0xa0) return { left: r.count(t & 0x0f, 1), items: [], map: false };
  if (t < 0xc0) {
    const n = t & 0x1f;
    return { value: readText(r.buf, r.take(n), n) };
  }
  switch (t) {
    case 0xc0: return { value: null };
    case 0xc2: return { value: false };
    case 0xc3: return { value: true };
    case 0xc4: case 0xc5: case 0xc6: return { value: r.blob(r.uint(1 << (t - 0xc4))) };
    case 0xc7: case 0xc8: case 0xc9: {
      const n = r.uint(1 << (t - 0xc7));
      const type = r.buf.readInt8(r.take(1));
      return { value: new ExtData(type, Uint8Array.from(r.blob(n))) };
    }
    case 0xca: return { value: r.buf.readFloatBE(r.take(4)) };
    case 0xcb: return { value: r.buf.readDoubleBE(r.take(8)) };
    case 0xcc: case 0xcd: case 0xce: return { value: r.uint(1 << (t - 0xcc)) };
    case 0xcf: return { value: toInteger(r.buf.readBigUInt64BE(r.take(8))) };
    case 0xd0: return { value: r.buf.readInt8(r.take(1)) };
    case 0xd1: return { value: r.buf.readInt16BE(r.take(2)) };
    case 0xd2: return { value: r.buf.readInt32BE(r.take(4)) };
    case 0xd3: return { value: toInteger(r.buf.readBigInt64BE(r.take(8))) };
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: {
      const type = r.buf.readInt8(r.take(1));
      return { value: new ExtData(type, Uint8Array.from(r.blob(1 << (t - 0xd4)))) };
    }
    case 0xd9: case 0xda: case 0xdb: return { value: r.blob(r.uint(1 << (t - 0xd9))).toString("utf8") };
    case 0xdc: case 0xdd: return { left: r.count(r.uint(t === 0xdc ? 2 : 4), 1), items: [], map: false };
    case 0xde: case 0xdf: return { left: r.count(r.uint(t === 0xde ? 2 : 4) * 2, 1), items: [], map: true };
    default: throw malformed(`octet 0x${t.toString(16)} at ${r.pos - 1} is not a msgpack type`);
  }
}

/** Texts up to this length are read octet by octet when ASCII (strings this short are built flat). */
const SHORT_TEXT = 12;

/**
 * `size` octets of UTF-8 at `pos` as a string: a short ASCII text (a method
 * name) without the call into C++ that buf.toString makes, which costs
 * twice as much for a few octets.
 */
function readText(buf: Buffer, pos: number, size: number): string {
  if (size > SHORT_TEXT) return buf.toString("utf8", pos, pos + size);
  let text = "";
  for (let i = 0; i < size; i++) {
    const c = buf[pos + i]!;
    if (c >= 0x80) return buf.toString("utf8", pos, pos + size);
    text += String.fromCharCode(c);
  }
  return text;
}

/**
 * Decodes exactly one msgpack value filling `frame`.
 *
 * @throws RpcProtocolError: `MALFORMED` (bad or truncated octets, trailing
 *   octets), `TOO_LARGE` (nested deeper than {@link MAX_NESTING_DEPTH}, or
 *   more than {@link MAX_DECODED_VALUES} values).
 */
export function decodeMsgpack(frame: Uint8Array): unknown {
  const buf = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  const lean = decodeFlat(buf);
  return lean !== NOT_FLAT ? lean : decodeGeneral(buf);
}

/** {@link decodeFlat}'s answer for what it leaves to the general decoder. */
const NOT_FLAT = Symbol("not flat");

/**
 * The lean path for the common small shapes (an RPC request `[method,
 * ...args]`, a reply's value): a scalar, or a fixarray of scalars, where a
 * scalar is an integer of at most 32 bits, a float 64, a string under 256
 * octets, nil or a boolean. No wrapper object per item, no stack. Anything
 * else, and any input that is not exactly one such value (truncated, with
 * trailing octets), answers NOT_FLAT: the general decoder then gives the
 * result or the error, so the two always agree (a property test checks it).
 */
function decodeFlat(buf: Buffer): unknown {
  const len = buf.length;
  if (len === 0) return NOT_FLAT;
  const t = buf[0]!;
  if (t >= 0x90 && t < 0xa0) {
    const n = t & 0x0f;
    const items: unknown[] = new Array(n);
    let pos = 1;
    for (let i = 0; i < n; i++) {
      const end = flatScalar(buf, pos, len);
      if (end < 0) return NOT_FLAT;
      items[i] = flatValue;
      pos = end;
    }
    return pos === len ? items : NOT_FLAT;
  }
  return flatScalar(buf, 0, len) === len ? flatValue : NOT_FLAT;
}

/** The value {@link flatScalar} read last (a field, so that it returns a plain number). */
let flatValue: unknown;

/** Reads one scalar of {@link decodeFlat}'s kinds at `pos` into flatValue; returns where it ends, or -1. */
function flatScalar(buf: Buffer, pos: number, len: number): number {
  if (pos >= len) return -1;
  const t = buf[pos++]!;
  if (t < 0x80) {
    flatValue = t;
    return pos;
  }
  if (t >= 0xe0) {
    flatValue = t - 0x100;
    return pos;
  }
  let size: number;
  if (t >= 0xa0 && t < 0xc0) size = t & 0x1f;
  else {
    switch (t) {
      case 0xc0: flatValue = null; return pos;
      case 0xc2: flatValue = false; return pos;
      case 0xc3: flatValue = true; return pos;
      case 0xd9:
        if (pos >= len) return -1;
        size = buf[pos++]!;
        break;
      case 0xcb:
        if (len - pos < 8) return -1;
        flatValue = buf.readDoubleBE(pos);
        return pos + 8;
      case 0xcc: case 0xd0:
        if (pos >= len) return -1;
        flatValue = t === 0xcc ? buf[pos]! : buf.readInt8(pos);
        return pos + 1;
      case 0xcd: case 0xd1:
        if (len - pos < 2) return -1;
        flatValue = t === 0xcd ? buf.readUInt16BE(pos) : buf.readInt16BE(pos);
        return pos + 2;
      case 0xce: case 0xd2:
        if (len - pos < 4) return -1;
        flatValue = t === 0xce ? buf.readUInt32BE(pos) : buf.readInt32BE(pos);
        return pos + 4;
      default:
        return -1;
    }
  }
  if (len - pos < size) return -1;
  flatValue = readText(buf, pos, size);
  return pos + size;
}

/**
 * @internal The two decoding paths on their own, for the property test that
 * holds them to the same results: `flat` answers `notFlat` where it leaves
 * the input to `general`.
 */
export const msgpackDecoders = {
  flat: (buf: Buffer): unknown => decodeFlat(buf),
  general: (buf: Buffer): unknown => decodeGeneral(buf),
  notFlat: NOT_FLAT,
} as const;

/** The decoder for every value (iterative, bounded): exactly one value filling `buf`. */
function decodeGeneral(buf: Buffer): unknown {
  const r = new Reader(buf);
  const value = decodeFrom(r, MAX_DECODED_VALUES);
  if (r.pos !== buf.length) throw malformed(`${buf.length - r.pos} octet(s) after the value`);
  return value;
}

/** A value decoded from inside a buffer: where it ends and what it weighed. */
export interface DecodedAt {
  readonly value: unknown;
  /** The offset of the octet after the value. */
  readonly end: number;
  /** What the value counted against the budget (see {@link msgpackWeight}). */
  readonly values: number;
}

/**
 * Decodes the one msgpack value that starts at `pos`; octets after it are
 * left alone (the caller reads on from `end`). A value of more than
 * `maxValues` values is refused from its headers before anything is built
 * when the octets left could hold that many.
 *
 * @throws RpcProtocolError: `MALFORMED`, `TOO_LARGE` (as {@link decodeMsgpack}).
 */
export function decodeMsgpackAt(buf: Buffer, pos: number, maxValues: number = MAX_DECODED_VALUES): DecodedAt {
  const r = new Reader(buf);
  r.pos = pos;
  const value = decodeFrom(r, maxValues);
  return { value, end: r.pos, values: decodedValues };
}

/** What the value {@link decodeFrom} read last weighed (a field, so that it returns the value alone). */
let decodedValues = 0;

/** Decodes one value from `r.pos` on, leaving `r.pos` after it; iterative, bounded. */
function decodeFrom(r: Reader, maxValues: number): unknown {
  const buf = r.buf;
  // A bin or ext of the fewest octets weighs two per octet: a shorter input cannot pass the budget.
  if (2 * (buf.length - r.pos) > maxValues) msgpackValueEnd(buf, r.pos, maxValues);
  const stack: Open[] = [];
  let values = 0;
  let result: unknown;
  for (;;) {
    values += msgpackWeight(buf[r.pos]!);
    if (values > maxValues) throw tooManyValues(maxValues);
    const item = readItem(r);
    let value: unknown;
    if ("value" in item) value = item.value;
    else if (item.left > 0) {
      if (stack.length >= MAX_NESTING_DEPTH) throw new RpcProtocolError(`value nested deeper than ${MAX_NESTING_DEPTH} levels`, "TOO_LARGE");
      stack.push(item);
      continue;
    } else value = item.map ? toMap(item.items) : item.items;
    // Hand the value to its container; close every container it completes.
    let done = false;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        result = value;
        done = true;
        break;
      }
      top.items.push(value);
      if (--top.left > 0) break;
      stack.pop();
      value = top.map ? toMap(top.items) : top.items;
    }
    if (done) break;
  }
  decodedValues = values;
  return result;
}

/**
 * The element count of the msgpack array whose head is at `pos`, and where
 * its first element starts; `undefined` when the item there is not an
 * array. Nothing of the elements is read.
 *
 * @throws RpcProtocolError (`MALFORMED`): truncated, or a count the octets left cannot hold.
 */
export function readArrayHead(buf: Buffer, pos: number): { count: number; end: number } | undefined {
  const r = new Reader(buf);
  r.pos = pos;
  const t = buf[r.take(1)]!;
  let n: number;
  if (t >= 0x90 && t <= 0x9f) n = t & 0x0f;
  else if (t === 0xdc || t === 0xdd) n = r.uint(t === 0xdc ? 2 : 4);
  else return undefined;
  return { count: r.count(n, 1), end: r.pos };
}
