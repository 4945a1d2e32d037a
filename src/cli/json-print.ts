/**
 * JSON for values that came from the network (msgpack, JSON, Lua RPC),
 * bounded. A peer chooses the shape: 100,000 nested arrays overflow a
 * recursive printer (`JSON.stringify` included), a self-referencing Lua
 * table never ends, shared sub-tables repeat exponentially, a 200 MiB binary
 * becomes gigabytes of text. This printer walks the value with an explicit
 * stack, cuts what it prints at a depth, a size and a string length, marks
 * cycles, and its output is always valid JSON with every control character
 * escaped.
 */
import { Buffer } from "node:buffer";
import { LuaBytes } from "../lua-rpc/index.js";
import { jsonSafe } from "./terminal-safe.js";

/** How much of a value is printed. */
export interface PrintLimits {
  /** Containers nested deeper are printed as the string `"…(deeper)"`. */
  readonly depth: number;
  /**
   * Output size in characters after which no further value is started:
   * each open container ends with a count of what it left out. The output
   * exceeds it by at most one string and the closing markers.
   */
  readonly chars: number;
  /** Strings (and binary, in hex characters) longer than this are cut, with a count of the rest. */
  readonly string: number;
  /**
   * `"text"` writes NaN and ±Infinity as JavaScript does (`NaN`, `-Infinity`),
   * for people; by default they are `null`, as in JSON, for programs (`--json`).
   */
  readonly nonFinite?: "null" | "text";
}

/** For `call`, `lua call`, `sub`: the whole result, up to sizes no terminal or pipe reader wants more of. */
export const RESULT_LIMITS: PrintLimits = { depth: 1000, chars: 64 * 1024 * 1024, string: 64 * 1024 * 1024 };

/** {@link RESULT_LIMITS} for a person: NaN and ±Infinity as JavaScript writes them. */
export const RESULT_TEXT: PrintLimits = { ...RESULT_LIMITS, nonFinite: "text" };

/** For the tracer: one line per event that a person can read. */
export const TRACE_LIMITS: PrintLimits = { depth: 32, chars: 16 * 1024, string: 1024 };

/** {@link TRACE_LIMITS} for a person: NaN and ±Infinity as JavaScript writes them. */
export const TRACE_TEXT: PrintLimits = { ...TRACE_LIMITS, nonFinite: "text" };

/** A container being printed: what closes it and the entries still to print. */
interface Open {
  readonly value: object;
  readonly close: "]" | "}";
  readonly keys: readonly unknown[] | undefined;
  readonly values: readonly unknown[];
  next: number;
  printed: boolean;
}

function quote(text: string, max: number): string {
  if (text.length <= max) return jsonSafe(JSON.stringify(text));
  return jsonSafe(JSON.stringify(`${text.slice(0, max)}…(${text.length - max} more chars)`));
}

function hexOf(bytes: Uint8Array, max: number): string {
  const shown = Math.min(bytes.length, Math.floor(max / 2));
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, shown).toString("hex");
  return shown < bytes.length ? `${hex}…(${bytes.length - shown} more bytes)` : hex;
}

/** A Map key as an object key: Lua and msgpack maps may be keyed by any value. */
function keyText(key: unknown): string {
  if (key === null || (typeof key !== "object" && typeof key !== "function")) return String(key);
  if (key instanceof LuaBytes) return key.toString();
  if (key instanceof Uint8Array) return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("hex");
  return "[table]";
}

/** Skipped in objects and written as null in arrays, as JSON.stringify does. */
function absent(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

/**
 * The JSON text of a leaf, or undefined when `v` is a container to open.
 * Buffers print as `{"hex": "..."}`, bigints as strings, Dates as ISO text.
 */
function leaf(v: unknown, limits: PrintLimits): string | undefined {
  switch (typeof v) {
    case "string":
      return quote(v, limits.string);
    case "number":
      return Number.isFinite(v) || limits.nonFinite === "text" ? String(v) : "null";
    case "bigint":
      return `"${v.toString()}"`;
    case "boolean":
      return String(v);
    case "object":
      if (v === null) return "null";
      if (v instanceof Uint8Array) return `{"hex":${quote(hexOf(v, limits.string), Infinity)}}`;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? "null" : `"${v.toISOString()}"`;
      return undefined;
    default:
      return "null";
  }
}

function open(v: object): Open {
  if (Array.isArray(v)) return { value: v, close: "]", keys: undefined, values: v, next: 0, printed: false };
  if (v instanceof Map) return { value: v, close: "}", keys: [...v.keys()], values: [...v.values()], next: 0, printed: false };
  const keys = Object.keys(v);
  return { value: v, close: "}", keys, values: keys.map((k) => (v as Record<string, unknown>)[k]), next: 0, printed: false };
}

/** What an open container left out when the size ran out. */
function leftOut(o: Open): string {
  const rest = o.values.length - o.next;
  if (rest <= 0) return "";
  const sep = o.printed ? "," : "";
  return o.keys ? `${sep}"…":"${rest} more entries"` : `${sep}"…(${rest} more items)"`;
}

/**
 * The JSON text of `value`, within `limits`; `undefined` for `undefined`
 * (as JSON.stringify). Never recurses, never throws on a cycle.
 */
export function toJson(value: unknown, limits: PrintLimits = RESULT_LIMITS): string | undefined {
  if (absent(value)) return undefined;
  let out = "";
  const stack: Open[] = [];
  const onPath = new Set<object>();
  let current: unknown = value;
  let pending = true;
  for (;;) {
    if (pending) {
      pending = false;
      const text = leaf(current, limits);
      if (text !== undefined) out += text;
      else if (onPath.has(current as object)) out += quote("…(cycle)", Infinity);
      else if (stack.length >= limits.depth) out += quote("…(deeper)", Infinity);
      else {
        const o = open(current as object);
        out += o.close === "]" ? "[" : "{";
        stack.push(o);
        onPath.add(o.value);
      }
    }
    const top = stack[stack.length - 1];
    if (!top) return out;
    // Objects skip absent values; arrays print them as null.
    while (top.keys && top.next < top.values.length && absent(top.values[top.next])) top.next++;
    if (top.next >= top.values.length || out.length >= limits.chars) {
      if (top.next < top.values.length) out += leftOut(top);
      out += top.close;
      stack.pop();
      onPath.delete(top.value);
      continue;
    }
    if (top.printed) out += ",";
    top.printed = true;
    if (top.keys) out += `${quote(keyText(top.keys[top.next]), limits.string)}:`;
    current = absent(top.values[top.next]) ? null : top.values[top.next];
    top.next++;
    pending = true;
  }
}
