/**
 * luatobin encoder: JavaScript values to the octets a Lua peer writes.
 * See `codec.ts` for the value mapping.
 *
 * @module
 */

import { Buffer, isUtf8 } from "node:buffer";
import { LuaEncodeError } from "./errors.js";
import { LocalObjectRef, LuaBytes, LuaFunction, LuaMulti, LuaTable, RemoteObjectRef } from "./values.js";

/** Wire tags of the luatobin format. */
export const Tag = {
  NIL: 0x00,
  BOOLEAN: 0x01,
  NUMBER: 0x03,
  STRING: 0x04,
  TABLE: 0x05,
  FUNCTION: 0x06,
  INTEGER: 0x07,
  BACKREF: 0x14,
  MY_OBJECT: 0x21,
  YOUR_OBJECT: 0x3f,
} as const;

/** Largest string length / table pair count a Lua peer accepts plus one. */
export const MAX_U16_EXCLUSIVE = 0xffff;

/** Default nesting limit of tables for encoding and decoding. */
export const DEFAULT_MAX_DEPTH = 1000;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const LONE_SURROGATE = /\p{Cs}/u;

/** Options of the encoder. */
export interface EncodeOptions {
  /** Maximum table nesting (default 1000); deeper values raise {@link LuaEncodeError}. */
  maxDepth?: number;
}

/**
 * Reusable, growable output buffer that serializes values in luatobin.
 * Each call to {@link LuaWriter.writeValue} writes one top-level object with
 * a fresh back-reference cache, as the Lua serializer does.
 */
export class LuaWriter {
  /** Current backing buffer (grows on demand). */
  buf: Buffer;
  /** Write position. */
  pos = 0;
  private readonly maxDepth: number;
  private readonly strings = new Map<string, number>();
  private readonly binaries = new Map<string, number>();
  private readonly objects = new Map<object, number>();
  private count = 0;

  /**
   * @param initialSize - initial capacity in octets.
   * @param options - encoder options.
   */
  constructor(initialSize = 512, options: EncodeOptions = {}) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Forgets everything written so far. */
  reset(): void {
    this.pos = 0;
  }

  /** Copy of the octets written since the last reset. */
  result(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /**
   * Makes room for `n` more octets.
   * @param n - octets needed.
   */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Appends one octet.
   * @param v - octet.
   */
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /**
   * Serializes one top-level object (its own back-reference cache).
   * @param value - value to write.
   * @throws {@link LuaEncodeError} when the value cannot be represented; the
   * writer position is then unspecified, reset it before reuse.
   */
  writeValue(value: unknown): void {
    if (this.count !== 0) {
      this.count = 0;
      this.strings.clear();
      this.binaries.clear();
      this.objects.clear();
    }
    this.any(value, 0);
  }

  private any(v: unknown, depth: number): void {
    switch (typeof v) {
      case "undefined":
        this.u8(Tag.NIL);
        return;
      case "boolean":
        this.ensure(2);
        this.buf[this.pos++] = Tag.BOOLEAN;
        this.buf[this.pos++] = v ? 1 : 0;
        return;
      case "number":
        this.number(v);
        return;
      case "string":
        this.string(v);
        return;
      case "bigint":
        if (v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)) {
          this.number(Number(v));
          return;
        }
        if (BigInt(Number(v)) !== v) throw new LuaEncodeError(`bigint ${v} has no exact float64 representation`);
        this.number(Number(v));
        return;
      case "object":
        if (v === null) {
          this.u8(Tag.NIL);
          return;
        }
        this.object(v, depth);
        return;
      default:
        throw new LuaEncodeError(`cannot serialize a value of type ${typeof v}`);
    }
  }

  private number(v: number): void {
    this.ensure(9);
    const b = this.buf;
    if ((v | 0) === v && !(v === 0 && 1 / v < 0)) {
      b[this.pos] = Tag.INTEGER;
      b.writeInt32BE(v, this.pos + 1);
      this.pos += 5;
    } else {
      b[this.pos] = Tag.NUMBER;
      b.writeDoubleBE(v, this.pos + 1);
      this.pos += 9;
    }
  }

  private backref(index: number): void {
    if (index > 0xffff) throw new LuaEncodeError(`back-reference index ${index} does not fit in 16 bits`);
    this.ensure(3);
    this.buf[this.pos] = Tag.BACKREF;
    this.buf.writeUInt16BE(index, this.pos + 1);
    this.pos += 3;
  }

  private string(s: string): void {
    const hit = this.strings.get(s);
    if (hit !== undefined) {
      this.backref(hit);
      return;
    }
    if (s.length >= MAX_U16_EXCLUSIVE) throw tooLong(Buffer.byteLength(s));
    this.strings.set(s, ++this.count);
    this.ensure(3 + s.length * 3);
    const start = this.pos;
    const n = this.buf.write(s, start + 3, "utf8");
    if (n !== s.length && LONE_SURROGATE.test(s)) {
      throw new LuaEncodeError("string contains a lone UTF-16 surrogate (use LuaBytes for arbitrary octets)");
    }
    if (n >= MAX_U16_EXCLUSIVE) throw tooLong(n);
    this.buf[start] = Tag.STRING;
    this.buf.writeUInt16BE(n, start + 1);
    this.pos = start + 3 + n;
  }

  private bytes(bytes: Uint8Array): void {
    let cache: Map<string, number>;
    let key: string;
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (isUtf8(buf)) {
      cache = this.strings;
      key = buf.toString("utf8");
    } else {
      cache = this.binaries;
      key = buf.toString("latin1");
    }
    const hit = cache.get(key);
    if (hit !== undefined) {
      this.backref(hit);
      return;
    }
    if (buf.length >= MAX_U16_EXCLUSIVE) throw tooLong(buf.length);
    cache.set(key, ++this.count);
    this.ensure(3 + buf.length);
    this.buf[this.pos] = Tag.STRING;
    this.buf.writeUInt16BE(buf.length, this.pos + 1);
    buf.copy(this.buf, this.pos + 3);
    this.pos += 3 + buf.length;
  }

  private object(v: object, depth: number): void {
    if (v instanceof LuaBytes) return this.bytes(v.bytes);
    if (v instanceof Uint8Array) return this.bytes(v);
    if (v instanceof RemoteObjectRef || v instanceof LocalObjectRef) {
      // The Lua peer reads a reference only as a whole argument or result; inside a table it drops the connection.
      if (depth > 0) throw new LuaEncodeError("an object reference can only be sent as a whole argument or result, not inside a table");
      return this.ref(v instanceof RemoteObjectRef ? Tag.YOUR_OBJECT : Tag.MY_OBJECT, v.id);
    }
    const hit = this.objects.get(v);
    if (hit !== undefined) {
      this.backref(hit);
      return;
    }
    if (v instanceof LuaFunction) {
      if (v.bytecode.length >= MAX_U16_EXCLUSIVE) throw new LuaEncodeError(`function bytecode of ${v.bytecode.length} octets is too long`);
      this.objects.set(v, ++this.count);
      this.ensure(3 + v.bytecode.length);
      this.buf[this.pos] = Tag.FUNCTION;
      this.buf.writeUInt16BE(v.bytecode.length, this.pos + 1);
      v.bytecode.copy(this.buf, this.pos + 3);
      this.pos += 3 + v.bytecode.length;
      return;
    }
    let kind: 0 | 1 | 2 | 3;
    if (Array.isArray(v)) kind = 0;
    else if (v instanceof Map) kind = 1;
    else if (v instanceof LuaTable) kind = 2;
    else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        if (v instanceof LuaMulti) throw new LuaEncodeError("LuaMulti is only valid as the return value of a handler");
        throw new LuaEncodeError(`cannot serialize an instance of ${v.constructor?.name ?? "an unknown class"}`);
      }
      kind = 3;
    }
    if (depth >= this.maxDepth) throw new LuaEncodeError(`tables nested deeper than maxDepth ${this.maxDepth}`);
    this.objects.set(v, ++this.count);
    this.ensure(3);
    const at = this.pos;
    this.buf[at] = Tag.TABLE;
    this.pos += 3;
    let pairs = 0;
    const d = depth + 1;
    if (kind === 0) {
      const a = v as unknown[];
      for (let i = 0; i < a.length; i++) {
        const el = a[i];
        if (el === undefined || el === null) continue;
        this.number(i + 1);
        this.any(el, d);
        pairs++;
      }
    } else if (kind === 1) {
      for (const [k, val] of v as Map<unknown, unknown>) {
        if (val === undefined || val === null) continue;
        checkKey(k);
        this.any(k, d);
        this.any(val, d);
        pairs++;
      }
    } else if (kind === 2) {
      for (const [k, val] of (v as LuaTable).entries) {
        checkKey(k);
        this.any(k, d);
        this.any(val, d);
        pairs++;
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const val = o[k];
        if (val === undefined || val === null) continue;
        this.string(k);
        this.any(val, d);
        pairs++;
      }
    }
    if (pairs >= MAX_U16_EXCLUSIVE) throw new LuaEncodeError(`table with ${pairs} pairs is too large (limit 65534)`);
    this.buf.writeUInt16BE(pairs, at + 1);
  }

  private ref(tag: number, id: number): void {
    if ((id | 0) !== id) throw new LuaEncodeError(`object reference id ${id} is not an int32`);
    this.ensure(5);
    this.buf[this.pos] = tag;
    this.buf.writeInt32BE(id, this.pos + 1);
    this.pos += 5;
  }
}

function checkKey(k: unknown): void {
  if (k === null || k === undefined) throw new LuaEncodeError("table key is nil");
  if (typeof k === "number" && Number.isNaN(k)) throw new LuaEncodeError("table key is NaN");
}

function tooLong(n: number): LuaEncodeError {
  return new LuaEncodeError(`string of ${n} octets is too long (a Lua peer accepts at most 65534)`);
}

let shared: LuaWriter | undefined;

/**
 * Serializes one value as a top-level luatobin object.
 * @param value - value to encode (see the mapping in `codec.ts`).
 * @param options - encoder options.
 * @returns a new Buffer.
 * @throws {@link LuaEncodeError}
 */
export function encode(value: unknown, options?: EncodeOptions): Buffer {
  return encodeMany([value], options);
}

/**
 * Serializes several top-level objects one after the other (each with its
 * own back-reference cache), as in a call or response payload.
 * @param values - values to encode.
 * @param options - encoder options.
 * @returns a new Buffer.
 * @throws {@link LuaEncodeError}
 */
export function encodeMany(values: readonly unknown[], options?: EncodeOptions): Buffer {
  const w = options?.maxDepth !== undefined ? new LuaWriter(512, options) : (shared ??= new LuaWriter(4096));
  w.reset();
  try {
    for (const v of values) w.writeValue(v);
    return w.result();
  } finally {
    w.reset();
  }
}
