/**
 * JavaScript classes standing for Lua values that have no native JavaScript
 * counterpart. See the module documentation of `codec.ts` for the complete
 * mapping.
 *
 * @module
 */

import { Buffer, isUtf8 } from "node:buffer";

/**
 * A Lua string whose octets are not valid UTF-8 (or any Lua string, when the
 * decoder runs with `strings: "bytes"`). Encodes back to exactly the same
 * octets with tag `04`.
 */
export class LuaBytes {
  /** The raw octets of the Lua string. */
  readonly bytes: Buffer;

  /**
   * @param bytes - octets of the string (copied).
   */
  constructor(bytes: Uint8Array | string) {
    this.bytes = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : Buffer.from(bytes);
  }

  /** Number of octets. */
  get length(): number {
    return this.bytes.length;
  }

  /** True when the octets are valid UTF-8 (a plain JS string could hold them). */
  isUtf8(): boolean {
    return isUtf8(this.bytes);
  }

  /**
   * Decodes the octets.
   * @param encoding - Buffer encoding, `latin1` (one char per octet) by default.
   */
  toString(encoding: BufferEncoding = "latin1"): string {
    return this.bytes.toString(encoding);
  }

  /**
   * Octet-wise comparison with another Lua string.
   * @param other - string, bytes or LuaBytes.
   */
  equals(other: LuaBytes | Uint8Array | string): boolean {
    const o = other instanceof LuaBytes ? other.bytes : typeof other === "string" ? Buffer.from(other, "utf8") : other;
    return this.bytes.equals(o);
  }
}

/**
 * An opaque Lua function (tag `06`): Lua 5.1 bytecode produced by
 * `string.dump`. A JavaScript peer cannot run it but carries it as a value;
 * the same instance encoded twice in one object becomes a back-reference.
 */
export class LuaFunction {
  /** The bytecode octets. */
  readonly bytecode: Buffer;

  /**
   * @param bytecode - Lua 5.1 bytecode (copied).
   */
  constructor(bytecode: Uint8Array) {
    this.bytecode = Buffer.from(bytecode);
  }
}

/**
 * "Object number `id` of the peer that sent it". Decoded from tag `21`
 * (the sender says "my object n"); encoded as tag `3F` ("your object n"),
 * so passing it back to its owner designates the original object. Use it as
 * the first argument of `peer.invoke(ref, method, ...)`.
 */
export class RemoteObjectRef {
  /**
   * @param id - object number in the remote peer's registry (int32).
   */
  constructor(readonly id: number) {}
}

/**
 * "Object number `id` of this side". Obtained from `peer.registerObject(obj)`
 * or decoded from tag `3F` (the sender says "your object n"); encoded as tag
 * `21` ("my object n") so the receiver builds a proxy for it.
 */
export class LocalObjectRef {
  /**
   * @param id - object number in this side's registry (int32).
   */
  constructor(readonly id: number) {}
}

/**
 * Exact image of a Lua table: the key/value pairs in wire order, duplicates
 * and all. Produced by the decoder with `{ tables: "exact" }` (for every
 * table, nested ones included) and accepted by the encoder, which writes the
 * pairs exactly as stored.
 */
export class LuaTable {
  /** Key/value pairs in order. */
  readonly entries: Array<[LuaValue, LuaValue]>;

  /**
   * @param entries - initial pairs (the array is used as is, not copied).
   */
  constructor(entries: Array<[LuaValue, LuaValue]> = []) {
    this.entries = entries;
  }

  /** Number of pairs. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Value of the last pair whose key matches (`SameValueZero` for primitives,
   * octets for LuaBytes, identity otherwise); `undefined` when absent.
   * @param key - key to look up.
   */
  get(key: LuaValue): LuaValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (sameKey(e[0], key)) return e[1];
    }
    return undefined;
  }

  /**
   * Replaces the value of an existing key or appends a new pair.
   * @param key - key.
   * @param value - value.
   */
  set(key: LuaValue, value: LuaValue): this {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (sameKey(e[0], key)) {
        e[1] = value;
        return this;
      }
    }
    this.entries.push([key, value]);
    return this;
  }
}

function sameKey(a: LuaValue, b: LuaValue): boolean {
  if (a === b || (a !== a && b !== b)) return true;
  if (a instanceof LuaBytes) return b instanceof LuaBytes || typeof b === "string" ? a.equals(b) : false;
  if (b instanceof LuaBytes && typeof a === "string") return b.equals(a);
  return false;
}

/**
 * Any value the decoder can produce. `null` is Lua `nil`.
 */
export type LuaValue =
  | null
  | boolean
  | number
  | string
  | LuaBytes
  | LuaFunction
  | RemoteObjectRef
  | LocalObjectRef
  | LuaTable
  | LuaValue[]
  | Map<LuaValue, LuaValue>
  | { [key: string]: LuaValue };

/**
 * Several Lua results (or several arguments) as one JavaScript value. A
 * handler returning `multi(a, b, c)` answers with three results, like a Lua
 * function doing `return a, b, c`; `multi()` answers with no result at all.
 */
export class LuaMulti {
  /** The values, in order. */
  readonly values: readonly unknown[];

  /**
   * @param values - the values.
   */
  constructor(values: readonly unknown[]) {
    this.values = values;
  }
}

/**
 * Builds a {@link LuaMulti}: `return multi(1, "a")` from a handler sends the
 * two Lua results `1, "a"`.
 * @param values - the results.
 */
export function multi(...values: unknown[]): LuaMulti {
  return new LuaMulti(values);
}
