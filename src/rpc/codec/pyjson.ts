/**
 * Python-compatible JSON text, shared by the JSON-based wire codecs
 * (Manley's zerorpc and pyzmqrpc3).
 *
 * {@link pythonJsonDumps} reproduces CPython's `json.dumps(value)` output
 * byte for byte for JSON-compatible values, with its default settings:
 * separators `", "` and `": "`, `ensure_ascii=True` (every code unit outside
 * U+0020..U+007E written as a lowercase `\uXXXX` escape, so non-BMP characters
 * become surrogate pairs), `allow_nan=True` (`NaN`, `Infinity`, `-Infinity`).
 *
 * Numbers. JavaScript has one number type where Python has `int` and `float`:
 * - a safe integer (|n| <= 2^53 - 1) is written as a Python `int` (`1.0` in JS is
 *   `1`, so it is written `1`, as Python writes the int `1`, not the float `1.0`);
 * - a `bigint` is written as a Python `int` with all its digits;
 * - every other finite number (fractions, integral values beyond 2^53, `-0`) is
 *   written as Python's `repr(float)`: shortest round-trip digits, positional
 *   when the decimal exponent is in -4..15, otherwise `d.ddde+XX` with at least
 *   two exponent digits (`1e-05`, `1e+16`, `1.2345678901234568e+17`), and a
 *   trailing `.0` for integral values (`9007199254740992.0`, `-0.0`).
 *
 * Other JavaScript values follow `JSON.stringify`: `toJSON()` is honoured,
 * `undefined`/functions/symbols are left out of objects and become `null` in
 * arrays (and at the top level), object keys keep their own-enumerable order.
 *
 * {@link parsePythonJson} reads any JSON text plus Python's `NaN`,
 * `Infinity` and `-Infinity` tokens. Integers beyond 2^53 are read exact, as
 * `bigint`; a float is a number (`1.0` is `1`). So a `bigint` and a number
 * beyond 2^53 (written as a float) both come back as they were sent.
 *
 * @module
 */

import { checkJsonNesting } from './nesting.js';

/** Deepest nesting {@link pythonJsonDumps} writes. */
const MAX_DUMP_DEPTH = 1000;

/** Options of {@link pythonJsonDumps}, named after Python's `json.dumps` parameters. */
/** JSON byte layout of encoded frames: `'compact'` (ujson-like, default) or `'python'` (json.dumps defaults). */
export type JsonStyle = 'compact' | 'python';

export interface PythonJsonOptions {
  /** `[itemSeparator, keySeparator]`; default `[', ', ': ']` (Python's default without indent). */
  readonly separators?: readonly [string, string];
  /** Escape every code unit outside U+0020..U+007E as `\uXXXX`; default `true`. */
  readonly ensureAscii?: boolean;
  /** Write NaN/Infinity as Python does; when `false` they throw a RangeError. Default `true`. */
  readonly allowNan?: boolean;
}

/** Python's default separators for `json.dumps` without `indent`. */
export const PYTHON_JSON_SEPARATORS: readonly [string, string] = [', ', ': '];
/** The compact separators used by `ujson` and `JSON.stringify`. */
export const COMPACT_JSON_SEPARATORS: readonly [string, string] = [',', ':'];

const HEX = '0123456789abcdef';
const ASCII_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const JSON_SAFE = /^[^\x00-\x1f"\\\ud800-\udfff]*$/;

function unicodeEscape(code: number): string {
  return '\\u' + HEX[(code >> 12) & 15] + HEX[(code >> 8) & 15] + HEX[(code >> 4) & 15] + HEX[code & 15];
}

/**
 * A JSON string literal as Python's `json.dumps` writes it.
 *
 * @param s - the text.
 * @param ensureAscii - escape all non-printable-ASCII code units (Python's default).
 */
export function pythonJsonString(s: string, ensureAscii = true): string {
  if (ensureAscii ? ASCII_SAFE.test(s) : JSON_SAFE.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      switch (c) {
        case 0x22: esc = '\\"'; break;
        case 0x5c: esc = '\\\\'; break;
        case 0x0a: esc = '\\n'; break;
        case 0x0d: esc = '\\r'; break;
        case 0x09: esc = '\\t'; break;
        case 0x08: esc = '\\b'; break;
        case 0x0c: esc = '\\f'; break;
        default: esc = unicodeEscape(c);
      }
    } else if (ensureAscii) {
      if (c > 0x7e) esc = unicodeEscape(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Well-formed pairs stay raw, lone surrogates are escaped (as JSON.stringify does).
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = unicodeEscape(c);
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/**
 * A number as Python's `json.dumps` writes it (see the module comment for the
 * int / float rule).
 *
 * @throws RangeError for NaN/Infinity when `allowNan` is false.
 */
export function pythonJsonNumber(n: number, allowNan = true): string {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return String(n);
  if (!Number.isFinite(n)) {
    if (!allowNan) throw new RangeError('Out of range float values are not JSON compliant');
    return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  }
  return pythonFloatRepr(n);
}

/** Python's `repr(float)` for a finite number. */
function pythonFloatRepr(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const sign = n < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits.
  const exp = Math.abs(n).toExponential();
  const e = exp.indexOf('e');
  const digits = exp.slice(0, e).replace('.', '');
  const exponent = Number(exp.slice(e + 1));
  const decpt = exponent + 1; // position of the decimal point relative to the digits
  if (decpt <= -4 || decpt > 16) {
    const mantissa = digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1);
    const absExp = Math.abs(exponent);
    return sign + mantissa + 'e' + (exponent < 0 ? '-' : '+') + (absExp < 10 ? '0' : '') + absExp;
  }
  if (decpt <= 0) return sign + '0.' + '0'.repeat(-decpt) + digits;
  if (decpt >= digits.length) return sign + digits + '0'.repeat(decpt - digits.length) + '.0';
  return sign + digits.slice(0, decpt) + '.' + digits.slice(decpt);
}

interface DumpState {
  readonly itemSep: string;
  readonly keySep: string;
  readonly ensureAscii: boolean;
  readonly allowNan: boolean;
  /**
   * Write -0, NaN and the infinities as `JSON.stringify` does (`0`, `null`):
   * the compact layout's fallback, so that a value is written the same whether
   * or not a bigint sits beside it.
   */
  readonly asStringify: boolean;
  readonly stack: Set<object>;
}

function isOmitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function dump(value: unknown, key: string, st: DumpState): string | undefined {
  let v = value;
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') v = toJSON.call(v, key);
  }
  switch (typeof v) {
    case 'string': return pythonJsonString(v, st.ensureAscii);
    case 'number':
      if (st.asStringify && (v === 0 || !Number.isFinite(v))) return v === 0 ? '0' : 'null';
      return pythonJsonNumber(v, st.allowNan);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (v === null) return 'null';
  const obj = v as object;
  if (st.stack.has(obj)) throw new TypeError('Circular reference detected');
  // The walk recurses: a clear error long before the call stack runs out.
  if (st.stack.size >= MAX_DUMP_DEPTH) throw new RangeError(`value nested deeper than ${MAX_DUMP_DEPTH} levels`);
  st.stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      if (obj.length === 0) return '[]';
      let out = '[';
      for (let i = 0; i < obj.length; i++) {
        if (i > 0) out += st.itemSep;
        out += dump(obj[i], String(i), st) ?? 'null';
      }
      return out + ']';
    }
    const entries: Iterable<[string, unknown]> = obj instanceof Map ? mapEntries(obj, st) : Object.entries(obj);
    let out = '{';
    let first = true;
    for (const [k, item] of entries) {
      if (isOmitted(item)) continue;
      const text = dump(item, k, st);
      if (text === undefined) continue;
      if (!first) out += st.itemSep;
      first = false;
      out += pythonJsonString(k, st.ensureAscii) + st.keySep + text;
    }
    return out + '}';
  } finally {
    st.stack.delete(obj);
  }
}

/** A Map's entries with its keys as Python's `json.dumps` writes dict keys (int 1 -> "1", True -> "true", None -> "null"). */
function* mapEntries(map: Map<unknown, unknown>, st: DumpState): Generator<[string, unknown]> {
  for (const [k, v] of map) {
    if (typeof k === 'string') yield [k, v];
    else if (typeof k === 'number') yield [Number.isInteger(k) ? String(k) : pythonJsonNumber(k, st.allowNan), v];
    else if (typeof k === 'boolean' || typeof k === 'bigint' || k === null) yield [String(k), v];
    else throw new TypeError(`keys must be str, int, float, bool or None, not ${typeof k}`);
  }
}

/**
 * Stops `JSON.stringify` where it would write what Python would not: a Map
 * (as `{}`) or an integral number beyond 2^53 (as an int, where Python's
 * float has a `.0`); {@link pythonJsonDumps} writes those.
 */
function plainJsonOnly(_key: string, v: unknown): unknown {
  if (v instanceof Map || (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v))) throw new TypeError(NOT_PLAIN_JSON);
  return v;
}
const NOT_PLAIN_JSON = 'not plain JSON: written by pythonJsonDumps';

/**
 * Serialises a value exactly as CPython's `json.dumps(value)` would with the
 * given options (defaults: Python's defaults). See the module comment for how
 * JavaScript numbers map to Python ints and floats.
 *
 * @throws TypeError on circular structures; RangeError on NaN/Infinity when
 *   `allowNan` is false, or nesting deeper than 1000 levels.
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  return dumpWith(value, options, false);
}

function dumpWith(value: unknown, options: PythonJsonOptions, asStringify: boolean): string {
  const [itemSep, keySep] = options.separators ?? PYTHON_JSON_SEPARATORS;
  const st: DumpState = {
    itemSep,
    keySep,
    ensureAscii: options.ensureAscii ?? true,
    allowNan: options.allowNan ?? true,
    asStringify,
    stack: new Set(),
  };
  return dump(value, '', st) ?? 'null';
}

/**
 * Serialises with `JSON.stringify` (compact, non-ASCII raw), falling back to
 * {@link pythonJsonDumps} with compact separators for what `JSON.stringify`
 * cannot write as Python would (`bigint`; a `Map`, whose keys become text as
 * Python's dict keys do; integral numbers beyond 2^53, written as floats).
 * Non-finite numbers become `null` and -0 becomes `0` as with `JSON.stringify`,
 * in the fallback too: a value is written the same whatever sits beside it.
 */
export function compactJsonDumps(value: unknown): string {
  try {
    return JSON.stringify(value, plainJsonOnly) ?? 'null';
  } catch (err) {
    if (!(err instanceof TypeError) || !(/BigInt/i.test(err.message) || err.message === NOT_PLAIN_JSON)) throw err;
    return dumpWith(value, { separators: COMPACT_JSON_SEPARATORS, ensureAscii: false }, true);
  }
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER_RE = /^-?\d+$/;
/** A run of digits long enough to be an integer beyond 2^53 (16 digits or more). */
const LONG_DIGITS_RE = /\d{16}/;
const PLAIN_CHARS_RE = /[^"\\\x00-\x1f]*/y;
const HEX4_RE = /^[0-9a-fA-F]{4}$/;

/** A container being filled while parsing. */
type OpenContainer = { readonly items: unknown[] } | { readonly out: Record<string, unknown>; key: string };

/** JSON with Python's extra tokens, read iteratively: an explicit stack, no recursion. */
class PythonJsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): unknown {
    const stack: OpenContainer[] = [];
    for (;;) {
      let value = this.open(stack);
      if (value === OPENED) continue;
      // Hand the value to its container; close every container it completes.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) {
          this.skipWs();
          if (this.pos < this.text.length) this.fail('Extra data');
          return value;
        }
        if ('items' in top) top.items.push(value);
        // defineProperty keeps a "__proto__" key an own data property, as JSON.parse does.
        else Object.defineProperty(top.out, top.key, { value, writable: true, enumerable: true, configurable: true });
        this.skipWs();
        const c = this.text[this.pos++];
        if (c === ',') {
          if (!('items' in top)) top.key = this.key();
          break;
        }
        if (c !== ('items' in top ? ']' : '}')) {
          this.pos--;
          this.fail("Expecting ',' delimiter");
        }
        stack.pop();
        value = 'items' in top ? top.items : top.out;
      }
    }
  }

  /** Reads a scalar or an empty container, or opens a container on the stack ({@link OPENED}). */
  private open(stack: OpenContainer[]): unknown {
    this.skipWs();
    const c = this.text[this.pos];
    if (c === '[') {
      this.pos++;
      this.skipWs();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return [];
      }
      stack.push({ items: [] });
      return OPENED;
    }
    if (c === '{') {
      this.pos++;
      this.skipWs();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return {};
      }
      stack.push({ out: {}, key: this.key() });
      return OPENED;
    }
    return this.scalar(c);
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }

  private skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  private literal(word: string, value: unknown): unknown {
    if (!this.text.startsWith(word, this.pos)) this.fail('Expecting value');
    this.pos += word.length;
    return value;
  }

  private scalar(c: string | undefined): unknown {
    switch (c) {
      case '"': return this.string();
      case 't': return this.literal('true', true);
      case 'f': return this.literal('false', false);
      case 'n': return this.literal('null', null);
      case 'N': return this.literal('NaN', NaN);
      case 'I': return this.literal('Infinity', Infinity);
      case '-':
        if (this.text[this.pos + 1] === 'I') return this.literal('-Infinity', -Infinity);
        return this.number();
      default:
        if (c !== undefined && c >= '0' && c <= '9') return this.number();
        return this.fail('Expecting value');
    }
  }

  /** An object key and its colon. */
  private key(): string {
    this.skipWs();
    if (this.text[this.pos] !== '"') this.fail('Expecting property name enclosed in double quotes');
    const key = this.string();
    this.skipWs();
    if (this.text[this.pos] !== ':') this.fail("Expecting ':' delimiter");
    this.pos++;
    return key;
  }

  private number(): number | bigint {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (m === null) return this.fail('Expecting value');
    this.pos += m[0].length;
    const n = Number(m[0]);
    // An integer beyond 2^53 keeps every digit, as Python's int does.
    return Number.isSafeInteger(n) || !INTEGER_RE.test(m[0]) ? n : BigInt(m[0]);
  }

  private string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      PLAIN_CHARS_RE.lastIndex = this.pos;
      const m = PLAIN_CHARS_RE.exec(t) as RegExpExecArray;
      out += m[0];
      this.pos += m[0].length;
      const c = t[this.pos];
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== '\\') this.fail(c === undefined ? 'Unterminated string' : 'Invalid control character');
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!HEX4_RE.test(hex)) this.fail('Invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.pos -= 2;
          this.fail('Invalid \\escape');
      }
    }
  }
}

/** Marks that a container was opened rather than a value read. */
const OPENED = Symbol('opened');

/**
 * Parses JSON text as Python's `json.loads` does: standard JSON plus the
 * `NaN`, `Infinity` and `-Infinity` tokens that Python writes by default,
 * and integers beyond 2^53 kept exact as `bigint` (a float such as `1.0`
 * is the number 1). Uses `JSON.parse` when the text has no 16-digit run
 * and parses, and a small parser otherwise. Text nested deeper than
 * `MAX_NESTING_DEPTH` (100) levels, or of more than `MAX_DECODED_VALUES`
 * (1,000,000) values, is refused before parsing; the small parser is
 * iterative anyway.
 *
 * @throws SyntaxError on invalid text; RpcProtocolError (`TOO_LARGE`) when nested too deep or too many values.
 */
export function parsePythonJson(text: string): unknown {
  checkJsonNesting(text);
  if (LONG_DIGITS_RE.test(text)) return new PythonJsonParser(text).parse();
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    return new PythonJsonParser(text).parse();
  }
}
