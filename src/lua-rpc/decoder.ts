/**
 * luatobin decoder: the octets a Lua peer writes to JavaScript values.
 * See `codec.ts` for the value mapping.
 *
 * @module
 */

import { Buffer, isUtf8 } from "node:buffer";
import { LuaDecodeError } from "./errors.js";
import { DEFAULT_MAX_DEPTH, MAX_U16_EXCLUSIVE, Tag } from "./encoder.js";
import { LocalObjectRef, LuaBytes, LuaFunction, LuaTable, RemoteObjectRef, type LuaValue } from "./values.js";

/** Options of the decoder. */
export interface DecodeOptions {
  /**
   * `"auto"` (default): a table becomes an array, a plain object or a Map
   * (see `codec.ts`). `"exact"`: every table becomes a {@link LuaTable} with
   * its pairs in wire order.
   */
  tables?: "auto" | "exact";
  /**
   * `"auto"` (default): valid UTF-8 strings become JS strings, others
   * {@link LuaBytes}. `"bytes"`: every string becomes a {@link LuaBytes}.
   */
  strings?: "auto" | "bytes";
  /** Maximum table nesting (default 1000); deeper input raises {@link LuaDecodeError}. */
  maxDepth?: number;
  /**
   * Most values one reader (one message: a call's name and arguments, a
   * response's results) may decode, table keys and back-references
   * included (default 1,000,000); past it {@link LuaDecodeError}. A value
   * can take one octet on the wire and a hundred bytes in memory, so the
   * frame size alone does not bound what a message becomes.
   */
  maxValues?: number;
}

/** Default of {@link DecodeOptions.maxValues}. */
export const DEFAULT_MAX_VALUES = 1_000_000;

/** A table read in auto mode, turned into its JS form once complete. */
class TableNode {
  readonly keys: unknown[] = [];
  readonly vals: unknown[] = [];
  out: LuaValue[] | Map<LuaValue, LuaValue> | Record<string, LuaValue> | undefined = undefined;
}

/**
 * Object references are not luatobin values: a Lua peer writes and reads
 * them only as a whole argument or result, so one inside a table is refused
 * as the Lua side would refuse it (and as the encoder refuses to send one).
 */
const NESTED_REFERENCE = "object reference inside a table: references travel only as a whole argument or result";

/**
 * Reads consecutive top-level luatobin objects from a buffer slice. Each
 * {@link LuaReader.readValue} starts a fresh back-reference cache.
 */
export class LuaReader {
  /** Read position (absolute index in the buffer). */
  pos: number;
  private readonly buf: Buffer;
  private readonly end: number;
  private readonly base: number;
  private readonly exact: boolean;
  private readonly bytesOnly: boolean;
  private readonly maxDepth: number;
  private readonly maxValues: number;
  private values = 0;
  private cache: unknown[] = [];

  /**
   * @param buf - buffer holding the objects (not copied: do not modify it while reading).
   * @param start - first octet to read.
   * @param end - end of the readable region (exclusive).
   * @param options - decoder options.
   */
  constructor(buf: Buffer, start = 0, end = buf.length, options: DecodeOptions = {}) {
    this.buf = buf;
    this.pos = start;
    this.base = start;
    this.end = end;
    this.exact = options.tables === "exact";
    this.bytesOnly = options.strings === "bytes";
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxValues = options.maxValues ?? DEFAULT_MAX_VALUES;
  }

  /** Values decoded so far by this reader (see {@link DecodeOptions.maxValues}). */
  get valueCount(): number {
    return this.values;
  }

  /** True when every octet of the region has been consumed. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * Reads one top-level object.
   * @throws {@link LuaDecodeError} on malformed input.
   */
  readValue(): LuaValue {
    if (this.cache.length !== 0) this.cache = [];
    try {
      const v = this.parse(0);
      return (v instanceof TableNode ? this.build(v) : v) as LuaValue;
    } catch (e) {
      // Only reachable with a very large maxDepth: the call stack ran out.
      if (e instanceof RangeError) throw this.fail("object too deeply nested");
      throw e;
    }
  }

  /** Reads objects until the end of the region. */
  readAll(): LuaValue[] {
    const out: LuaValue[] = [];
    while (this.pos < this.end) out.push(this.readValue());
    return out;
  }

  private fail(msg: string, at = this.pos): LuaDecodeError {
    return new LuaDecodeError(msg, at - this.base);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw this.fail(`truncated ${what}`);
  }

  private parse(depth: number): unknown {
    if (this.pos >= this.end) throw this.fail("truncated object: missing tag");
    if (++this.values > this.maxValues) throw this.fail(`more than maxValues ${this.maxValues} values in one message`);
    const b = this.buf;
    const tagAt = this.pos;
    const tag = b[this.pos++]!;
    switch (tag) {
      case Tag.NIL:
        return null;
      case Tag.BOOLEAN:
        this.need(1, "boolean");
        return b[this.pos++] !== 0;
      case Tag.INTEGER: {
        this.need(4, "integer");
        const v = b.readInt32BE(this.pos);
        this.pos += 4;
        return v;
      }
      case Tag.NUMBER: {
        this.need(8, "number");
        const v = b.readDoubleBE(this.pos);
        this.pos += 8;
        return v;
      }
      case Tag.STRING: {
        const len = this.length("string");
        const s = this.pos;
        this.pos += len;
        const sub = b.subarray(s, s + len);
        const v = !this.bytesOnly && isUtf8(sub) ? sub.toString("utf8") : new LuaBytes(sub);
        this.cache.push(v);
        return v;
      }
      case Tag.FUNCTION: {
        const len = this.length("function");
        const f = new LuaFunction(b.subarray(this.pos, this.pos + len));
        this.pos += len;
        this.cache.push(f);
        return f;
      }
      case Tag.TABLE:
        return this.table(depth, tagAt);
      case Tag.BACKREF: {
        this.need(2, "back-reference");
        const idx = b.readUInt16BE(this.pos);
        if (idx < 1 || idx > this.cache.length) {
          throw this.fail(`bad back-reference ${idx} (${this.cache.length} objects known)`, tagAt);
        }
        this.pos += 2;
        return this.cache[idx - 1];
      }
      case Tag.MY_OBJECT: {
        if (depth > 0) throw this.fail(NESTED_REFERENCE, tagAt);
        this.need(4, "object reference");
        const id = b.readInt32BE(this.pos);
        this.pos += 4;
        return new RemoteObjectRef(id);
      }
      case Tag.YOUR_OBJECT: {
        if (depth > 0) throw this.fail(NESTED_REFERENCE, tagAt);
        this.need(4, "object reference");
        const id = b.readInt32BE(this.pos);
        this.pos += 4;
        return new LocalObjectRef(id);
      }
      default:
        throw this.fail(`unknown tag 0x${tag.toString(16).padStart(2, "0")}`, tagAt);
    }
  }

  private length(what: string): number {
    this.need(2, `${what} length`);
    const len = this.buf.readUInt16BE(this.pos);
    if (len >= MAX_U16_EXCLUSIVE) throw this.fail(`${what} length 65535 is reserved`);
    this.pos += 2;
    this.need(len, what);
    return len;
  }

  private table(depth: number, tagAt: number): unknown {
    this.need(2, "table count");
    const n = this.buf.readUInt16BE(this.pos);
    if (n >= MAX_U16_EXCLUSIVE) throw this.fail("table count 65535 is reserved");
    if (depth >= this.maxDepth) throw this.fail(`tables nested deeper than maxDepth ${this.maxDepth}`, tagAt);
    this.pos += 2;
    const d = depth + 1;
    if (this.exact) {
      const t = new LuaTable();
      this.cache.push(t);
      for (let i = 0; i < n; i++) {
        const k = this.key(d);
        t.entries.push([k as LuaValue, this.parse(d) as LuaValue]);
      }
      return t;
    }
    const node = new TableNode();
    this.cache.push(node);
    for (let i = 0; i < n; i++) {
      node.keys.push(this.key(d));
      node.vals.push(this.parse(d));
    }
    return node;
  }

  private key(depth: number): unknown {
    const at = this.pos;
    const k = this.parse(depth);
    if (k === null) throw this.fail("table key is nil", at);
    if (typeof k === "number" && k !== k) throw this.fail("table key is NaN", at);
    return k;
  }

  private mat(x: unknown): LuaValue {
    if (x instanceof TableNode) return x.out ?? this.build(x);
    return x as LuaValue;
  }

  /**
   * Chooses the JS form of a complete table and fills it. The container is
   * registered before its contents so cycles resolve, and contents are
   * converted in wire order so every back-reference target is already
   * converted or is an ancestor.
   */
  private build(node: TableNode): LuaValue {
    const { keys, vals } = node;
    const n = keys.length;
    let live = 0;
    let seq = true;
    let allStr = true;
    let allInt = true;
    let max = 0;
    for (let i = 0; i < n; i++) {
      if (vals[i] === null) {
        seq = false;
        continue;
      }
      const k = keys[i];
      live++;
      if (k !== live) seq = false;
      if (typeof k === "number") {
        allStr = false;
        if (!(Number.isInteger(k) && k >= 1 && k <= n)) allInt = false;
        else if (k > max) max = k;
      } else {
        allInt = false;
        if (typeof k !== "string") allStr = false;
      }
    }
    if (seq) {
      const arr: LuaValue[] = new Array(n);
      node.out = arr;
      for (let i = 0; i < n; i++) arr[i] = this.mat(vals[i]);
      return arr;
    }
    if (live === 0) {
      const arr: LuaValue[] = [];
      node.out = arr;
      for (let i = 0; i < n; i++) this.mat(keys[i]);
      return arr;
    }
    if (allInt && isDense(keys, vals, max)) {
      const arr: LuaValue[] = new Array(max);
      node.out = arr;
      for (let i = 0; i < n; i++) {
        if (vals[i] === null) {
          this.mat(keys[i]);
          continue;
        }
        arr[(keys[i] as number) - 1] = this.mat(vals[i]);
      }
      return arr;
    }
    if (allStr) {
      const obj: Record<string, LuaValue> = {};
      node.out = obj;
      for (let i = 0; i < n; i++) {
        if (vals[i] === null) {
          this.mat(keys[i]);
          continue;
        }
        const k = keys[i] as string;
        const v = this.mat(vals[i]);
        if (k === "__proto__") Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[k] = v;
      }
      return obj;
    }
    const m = new Map<LuaValue, LuaValue>();
    node.out = m;
    for (let i = 0; i < n; i++) {
      const k = this.mat(keys[i]);
      if (vals[i] === null) continue;
      m.set(k, this.mat(vals[i]));
    }
    return m;
  }
}

/** True when the live integer keys are exactly 1..max (duplicates allowed). */
function isDense(keys: unknown[], vals: unknown[], max: number): boolean {
  const seen = new Uint8Array(max + 1);
  let distinct = 0;
  for (let i = 0; i < keys.length; i++) {
    if (vals[i] === null) continue;
    const k = keys[i] as number;
    if (seen[k] === 0) {
      seen[k] = 1;
      distinct++;
    }
  }
  return distinct === max;
}

/**
 * Decodes exactly one top-level object; trailing octets are an error.
 * @param buf - the octets.
 * @param options - decoder options.
 * @throws {@link LuaDecodeError}
 */
export function decode(buf: Buffer | Uint8Array, options?: DecodeOptions): LuaValue {
  const b = toBuffer(buf);
  const r = new LuaReader(b, 0, b.length, options);
  const v = r.readValue();
  if (!r.done) throw new LuaDecodeError(`${b.length - r.pos} trailing octets after the object`, r.pos);
  return v;
}

/**
 * Decodes consecutive top-level objects until the end of the buffer (the
 * shape of a call or response payload).
 * @param buf - the octets.
 * @param options - decoder options.
 * @throws {@link LuaDecodeError}
 */
export function decodeMany(buf: Buffer | Uint8Array, options?: DecodeOptions): LuaValue[] {
  const b = toBuffer(buf);
  return new LuaReader(b, 0, b.length, options).readAll();
}

function toBuffer(buf: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}
