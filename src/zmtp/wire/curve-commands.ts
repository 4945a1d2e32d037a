/**
 * The commands of the CURVE handshake and traffic: RFC 26 (CurveZMQ) as
 * carried by ZMTP (RFC 25), split into their fields. These functions only
 * check sizes; the boxes are opened by the mechanism.
 *
 * ```
 * HELLO    = %d5 "HELLO" version(%x1 %x0) padding(72 zero octets)
 *            C'(32) short-nonce(8) hello-box(80)       ; Box[64 zeros](C'->S)
 * WELCOME  = %d7 "WELCOME" long-nonce(16) welcome-box(144) ; Box[S' + cookie](S->C')
 * cookie   = long-nonce(16) cookie-box(80)              ; Box[C' + s'](K)
 * INITIATE = %d8 "INITIATE" cookie(96) short-nonce(8)
 *            initiate-box(128+)                         ; Box[C + vouch + metadata](C'->S')
 * vouch    = long-nonce(16) vouch-box(80)               ; Box[C' + S](C->S')
 * READY    = %d5 "READY" short-nonce(8) ready-box(16+)  ; Box[metadata](S'->C')
 * MESSAGE  = %d7 "MESSAGE" short-nonce(8) message-box(17+) ; Box[flags + frame]
 * ```
 *
 * Short nonces are 64-bit big-endian counters; long nonces are random.
 */
import { Buffer } from "node:buffer";
import { malformed, ZmtpProtocolError, type ProtocolReason } from "./errors.js";
import { BOX_OVERHEAD, KEY_SIZE } from "./curve-crypto.js";

/** Octets of a short (counter) nonce. */
export const SHORT_NONCE_SIZE = 8;
/** Octets of a long (random) nonce. */
export const LONG_NONCE_SIZE = 16;
/** Octets of HELLO's anti-amplification padding. */
export const HELLO_PADDING = 72;
/** Octets of a cookie: its nonce and its box over C' and s'. */
export const COOKIE_SIZE = LONG_NONCE_SIZE + BOX_OVERHEAD + 2 * KEY_SIZE;
/** Octets of a vouch: its nonce and its box over C' and S. */
export const VOUCH_SIZE = LONG_NONCE_SIZE + BOX_OVERHEAD + 2 * KEY_SIZE;
/** Octets of HELLO's box (the signature over 64 zeros). */
export const HELLO_BOX_SIZE = BOX_OVERHEAD + 64;
/** Data octets of a HELLO command. */
export const HELLO_DATA_SIZE = 2 + HELLO_PADDING + KEY_SIZE + SHORT_NONCE_SIZE + HELLO_BOX_SIZE;
/** Data octets of a WELCOME command. */
export const WELCOME_DATA_SIZE = LONG_NONCE_SIZE + BOX_OVERHEAD + KEY_SIZE + COOKIE_SIZE;
/** Fewest data octets of an INITIATE command (no metadata). */
export const INITIATE_DATA_MIN = COOKIE_SIZE + SHORT_NONCE_SIZE + BOX_OVERHEAD + KEY_SIZE + VOUCH_SIZE;
/** Fewest data octets of a READY command (no metadata). */
export const READY_DATA_MIN = SHORT_NONCE_SIZE + BOX_OVERHEAD;
/** Fewest data octets of a MESSAGE command (an empty frame: the flags octet alone). */
export const MESSAGE_DATA_MIN = SHORT_NONCE_SIZE + BOX_OVERHEAD + 1;
/** The octets of a MESSAGE command body before its box: name length, name, short nonce. */
export const MESSAGE_HEADER_SIZE = 1 + 7 + SHORT_NONCE_SIZE;

/** Fields of a HELLO command. */
export interface CurveHello {
  major: number;
  minor: number;
  /** The client's short-term public key C'. */
  clientKey: Buffer;
  shortNonce: Buffer;
  box: Buffer;
}

/** Fields of a WELCOME command. */
export interface CurveWelcome {
  longNonce: Buffer;
  box: Buffer;
}

/** Fields of an INITIATE command. */
export interface CurveInitiate {
  cookie: Buffer;
  shortNonce: Buffer;
  box: Buffer;
}

/** Fields of a READY or MESSAGE command: a short nonce and a box. */
export interface CurveSealed {
  shortNonce: Buffer;
  box: Buffer;
}

/**
 * libzmq's name for a CURVE command of the wrong size: malformed, but for
 * WELCOME, whose check libzmq makes where it opens the box.
 */
function sizeReason(name: string): ProtocolReason {
  return name === "WELCOME" ? "ERR_ZMTP_CRYPTOGRAPHIC" : `ERR_ZMTP_MALFORMED_COMMAND_${name as "HELLO" | "INITIATE" | "READY" | "MESSAGE"}`;
}

function exact(name: string, data: Buffer, size: number): void {
  if (data.length !== size) throw malformed(`malformed CURVE ${name}: ${data.length} data octets, ${size} expected`, sizeReason(name));
}

function atLeast(name: string, data: Buffer, size: number): void {
  if (data.length < size) throw malformed(`malformed CURVE ${name}: ${data.length} data octets, at least ${size} expected`, sizeReason(name));
}

/** Reads HELLO's data; the size must be exact. */
export function decodeCurveHello(data: Buffer): CurveHello {
  exact("HELLO", data, HELLO_DATA_SIZE);
  const key = 2 + HELLO_PADDING;
  return {
    major: data[0]!,
    minor: data[1]!,
    clientKey: data.subarray(key, key + KEY_SIZE),
    shortNonce: data.subarray(key + KEY_SIZE, key + KEY_SIZE + SHORT_NONCE_SIZE),
    box: data.subarray(key + KEY_SIZE + SHORT_NONCE_SIZE),
  };
}

/** Reads WELCOME's data; the size must be exact. */
export function decodeCurveWelcome(data: Buffer): CurveWelcome {
  exact("WELCOME", data, WELCOME_DATA_SIZE);
  return { longNonce: data.subarray(0, LONG_NONCE_SIZE), box: data.subarray(LONG_NONCE_SIZE) };
}

/** Reads INITIATE's data. */
export function decodeCurveInitiate(data: Buffer): CurveInitiate {
  atLeast("INITIATE", data, INITIATE_DATA_MIN);
  return {
    cookie: data.subarray(0, COOKIE_SIZE),
    shortNonce: data.subarray(COOKIE_SIZE, COOKIE_SIZE + SHORT_NONCE_SIZE),
    box: data.subarray(COOKIE_SIZE + SHORT_NONCE_SIZE),
  };
}

/** Reads a READY's or MESSAGE's data: a short nonce, then a box. */
export function decodeCurveSealed(name: "READY" | "MESSAGE", data: Buffer): CurveSealed {
  atLeast(name, data, name === "READY" ? READY_DATA_MIN : MESSAGE_DATA_MIN);
  return { shortNonce: data.subarray(0, SHORT_NONCE_SIZE), box: data.subarray(SHORT_NONCE_SIZE) };
}

/** Builds a command body from its name and data fields. */
export function encodeCurveCommand(name: string, ...fields: Uint8Array[]): Buffer {
  const head = Buffer.from([name.length, ...Buffer.from(name, "latin1")]);
  return Buffer.concat([head, ...fields]);
}
