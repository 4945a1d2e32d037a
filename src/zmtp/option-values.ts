/**
 * Option values as zeromq.js hands them to libzmq and libzmq keeps them,
 * so that a value reads back and is refused as it would be there: zeromq.js
 * checks the value's JavaScript type (a TypeError with its text), converts
 * a JavaScript number to the option's C type (an `int` option
 * keeps ToInt32 of it: `1.5` is 1, 2^32 + 5 is 5, NaN is 0), then libzmq
 * refuses a number out of the option's range, or a text of the wrong
 * length, with EINVAL.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "./errors.js";

/** The kind of value an option takes; it decides the TypeError. */
export type OptionKind = "number" | "boolean" | "string";

/** Throws zeromq.js's TypeError unless `value` is of `kind` (string options take a Buffer or null too). */
export function checkOptionType(kind: OptionKind, value: unknown): void {
  if (kind === "number" && typeof value !== "number") throw new TypeError("Option value must be a number");
  if (kind === "boolean" && typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  if (kind === "string" && value !== null && typeof value !== "string" && !Buffer.isBuffer(value)) {
    throw new TypeError("Option value must be a string or buffer");
  }
}

/**
 * Whether `value` is one of an XPublisher's verbosities: zeromq.js's setter
 * ignores any other value before libzmq sees it (so a closed socket does
 * not refuse it either).
 */
export function isVerbosity(value: unknown): value is null | "allSubs" | "allSubsUnsubs" {
  return value === null || value === "allSubs" || value === "allSubsUnsubs";
}

/** The C type libzmq keeps an option in, and the values it takes. */
export interface NumberRule {
  /**
   * `int`: ToInt32 of the number (JavaScript's `value | 0`, which is what
   * N-API's int32 conversion gives). `int64`: the integer part, NaN and the
   * infinities 0, saturating at ±2^63. `uint64`: the integer part, negative
   * numbers 0, saturating at 2^64, with a process warning above 2^53 - 1;
   * NaN 0 (zeromq.js's cast of NaN is undefined in C: 2^63 on x86-64).
   */
  readonly store: "int" | "int64" | "uint64";
  /** The smallest value libzmq takes, after conversion and `unit`. */
  readonly min?: number;
  /** The largest value libzmq takes, after conversion and `unit`. */
  readonly max?: number;
  /**
   * libzmq keeps `value / unit` (C division, toward zero) and reads back
   * what it kept times `unit`: the heartbeat TTL, kept in deciseconds.
   */
  readonly unit?: number;
}

/** An `int` option from -1 (-1 meaning "forever", "none" or "the system's"). */
export const FROM_MINUS_ONE: NumberRule = { store: "int", min: -1 };
/** An `int` option from 0. */
export const FROM_ZERO: NumberRule = { store: "int", min: 0 };
/** An `int` option from 1. */
export const FROM_ONE: NumberRule = { store: "int", min: 1 };

/** zeromq.js's warning for a uint64 option set above 2^53 - 1, word for word. */
export const UNSAFE_INTEGER_WARNING = "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.";

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * The number libzmq would keep for `value` under `rule`: a TypeError with
 * zeromq.js's text for a non-number, EINVAL for a value out of range.
 */
export function optionNumber(rule: NumberRule, value: unknown): number {
  checkOptionType("number", value);
  let n = converted(rule.store, value as number);
  // `| 0` after the division keeps -0 out: -2 / 100 reads back 0, as in libzmq.
  if (rule.unit !== undefined) n = Math.trunc(n / rule.unit) | 0;
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    throw new ZmqError("EINVAL");
  }
  return rule.unit === undefined ? n : n * rule.unit;
}

function converted(store: NumberRule["store"], value: number): number {
  if (store === "int") return value | 0;
  if (Number.isNaN(value)) return 0;
  const n = Math.trunc(value);
  // `+ 0` turns the -0 of a small negative fraction into the 0 libzmq reads back.
  if (store === "int64") return Number.isFinite(n) ? Math.min(Math.max(n, -TWO_63), TWO_63) + 0 : 0;
  // zeromq.js warns, and only for this type, that a double this large may not be the integer meant.
  if (n > Number.MAX_SAFE_INTEGER) process.emitWarning(UNSAFE_INTEGER_WARNING);
  return Math.min(Math.max(n, 0), TWO_64);
}

/** The octets libzmq takes for a text option. */
export interface TextRule {
  /**
   * True when the option cannot be unset: null (or an empty Buffer, which
   * zeromq.js passes as null) is EINVAL instead of clearing it.
   */
  readonly required?: boolean;
  /** The most octets libzmq takes (UTF-8 for a string). */
  readonly maxBytes?: number;
}

/**
 * The value to keep for a text option: null when it is unset, EINVAL for
 * an empty string (zeromq.js hands libzmq an empty text, not null) and for
 * more than `maxBytes` octets. The type is checked before (checkOptionType).
 */
export function optionText(rule: TextRule, value: string | Buffer | null): string | Buffer | null {
  if (value === null || (Buffer.isBuffer(value) && value.length === 0)) {
    if (rule.required) throw new ZmqError("EINVAL");
    return null;
  }
  const size = typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.length;
  if (size === 0 || (rule.maxBytes !== undefined && size > rule.maxBytes)) throw new ZmqError("EINVAL");
  return value;
}

/**
 * A text option set as a Buffer, as zeromq.js reads it back: libzmq hands
 * out a C string, so the text ends at the first zero octet, decoded as UTF-8.
 */
export function readBackText(value: Buffer): string {
  const end = value.indexOf(0);
  return value.toString("utf8", 0, end < 0 ? value.length : end);
}

/** A text option kept as set (string, Buffer or null), as zeromq.js reads it back. */
export function textRead(value: string | Buffer | null): string | null {
  return Buffer.isBuffer(value) ? readBackText(value) : value;
}
