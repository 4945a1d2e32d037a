/**
 * LuaOverMQ (later StockMQ) wire codec: msgpack over ZeroMQ REQ/REP and PUB/SUB.
 * This is the default protocol of purezmq's RPC layer.
 *
 * Request: ONE frame, msgpack array `[method, ...args]`, `method` a msgpack str.
 * Reply: TWO frames, the ASCII status `OK` or `ERROR`, then msgpack of the payload.
 * - `OK`: zero results -> nil, one -> the value, several -> an array. Our
 *   servers return one value; a JS `undefined` result is sent as nil.
 * - `ERROR`: msgpack of a string message. Exact texts: unknown method
 *   `function 'NAME' not found`; a request that is not an array or whose first
 *   element is not a string `input should be array with first argument as string`;
 *   undecodable bytes `malformed msgpack request: <detail>` (the original server
 *   never answers those; ours always does). The reply stays two frames, since
 *   the reference Python connector unpacks exactly two.
 * Publish: two frames `[topic octets, msgpack(value)]`.
 *
 * Values: as `codec/msgpack.ts` says. A map with string keys is a plain
 * object; a Lua table with integer (or other non-string) keys is a `Map`
 * and goes back with the same keys (`{1: "a"}` stays `{1: "a"}`); 64-bit
 * integers are `number` when safe and `bigint` beyond 2^53, both ways;
 * binary decodes to a Buffer viewing the received frame; nil decodes to
 * `null`. A received value nested deeper than `MAX_NESTING_DEPTH` (100)
 * levels is refused.
 *
 * Error names: our server sends `"<ErrorName>: <message>"` only when the thrown
 * value is an Error whose `name` is an identifier other than plain `Error`
 * ({@link formatRemoteError}); a plain Error whose message itself starts like
 * `Identifier: ` is sent as `Error: <message>` so that {@link parseRemoteError}
 * recovers name and message exactly. Foreign servers send free text, which
 * parses as name `Error` unless it starts with such a prefix.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { RpcProtocolError, asBuffer, errorMessageOf } from '../codec/errors.js';
import { MALFORMED_MSGPACK, decodeMsgpack, decodeMsgpackAt, encodeMsgpack, readArrayHead } from '../codec/msgpack.js';

/** Status frame text of a successful reply. */
export const STATUS_OK = 'OK';
/** Status frame text of an error reply. */
export const STATUS_ERROR = 'ERROR';
/** Error text for a request that is not an array whose first element is a string. */
export const INVALID_REQUEST_MESSAGE = 'input should be array with first argument as string';
/** Prefix of the error text for a request frame that is not valid msgpack. */
export const MALFORMED_REQUEST_PREFIX = 'malformed msgpack request: ';

/**
 * Error text for a method the server does not know: `function 'NAME' not found`.
 *
 * @param method - the requested method name.
 */
export function functionNotFoundMessage(method: string): string {
  return `function '${method}' not found`;
}

// Shared constant frames. Sockets never write into outgoing frames; callers must not either.
const OK_FRAME = Buffer.from(STATUS_OK, 'ascii');
/** The status frame of a successful reply (shared: never write into it). */
export const STATUS_OK_FRAME: Buffer = OK_FRAME;
const ERROR_FRAME = Buffer.from(STATUS_ERROR, 'ascii');
const NIL_FRAME = Buffer.from([0xc0]);

/**
 * Encodes any supported value as msgpack (the codec's value rules: see the module comment).
 *
 * @throws RpcProtocolError (`UNENCODABLE`) for values msgpack cannot carry
 *   (functions, symbols, bigints beyond 64 bits, nesting deeper than 100).
 */
export function encodeValue(value: unknown): Buffer {
  return encodeMsgpack(value);
}

/**
 * Decodes a frame holding exactly one msgpack value.
 *
 * @throws RpcProtocolError (`MALFORMED`, or `TOO_LARGE` beyond the nesting bound).
 */
export function decodeValue(frame: Uint8Array): unknown {
  return decodeMsgpack(frame);
}

/**
 * A msgpack array made of elements already encoded one by one (the same
 * octets as encoding the array at once): lets a server weigh each element
 * of a large reply before building it.
 *
 * @param elements - each element's msgpack encoding.
 */
export function encodeArrayOfEncoded(elements: readonly Uint8Array[]): Buffer {
  const n = elements.length;
  let header: Buffer;
  if (n < 16) header = Buffer.from([0x90 | n]);
  else if (n < 0x10000) {
    header = Buffer.allocUnsafe(3);
    header[0] = 0xdc;
    header.writeUInt16BE(n, 1);
  } else {
    header = Buffer.allocUnsafe(5);
    header[0] = 0xdd;
    header.writeUInt32BE(n, 1);
  }
  return Buffer.concat([header, ...elements]);
}

/** A decoded LuaOverMQ request. */
export interface LuaRequest {
  /** Method name (first array element). */
  readonly method: string;
  /** The remaining array elements. */
  readonly args: unknown[];
}

/**
 * Encodes a request frame: msgpack `[method, ...args]`.
 *
 * @throws TypeError when `method` is not a string; RpcProtocolError (`UNENCODABLE`).
 */
export function encodeRequest(method: string, args: readonly unknown[] = []): Buffer {
  if (typeof method !== 'string') throw new TypeError('method must be a string');
  return encodeValue([method, ...args]);
}

/**
 * The calls a request frame carries, read from its heads without decoding
 * its arguments: for `[batchMethod, [call, ...]]`, the length of that list
 * (at least 1); 1 for any other request, or one that cannot be read.
 *
 * @param batchMethod - the method name of a batch (`rpc.multicall`).
 */
export function countRequestCalls(frame: Uint8Array, batchMethod: string): number {
  try {
    const buf = asBuffer(frame);
    const request = readArrayHead(buf, 0);
    if (request?.count !== 2) return 1;
    // A method name is one value: anything larger is refused from its head.
    const method = decodeMsgpackAt(buf, request.end, 1);
    if (method.value !== batchMethod) return 1;
    return Math.max(readArrayHead(buf, method.end)?.count ?? 1, 1);
  } catch {
    return 1;
  }
}

/**
 * Decodes a request frame. The thrown error's message is the exact text the
 * server sends back in its `ERROR` reply.
 *
 * @throws RpcProtocolError: `MALFORMED` (`malformed msgpack request: ...`, for
 *   invalid bytes, truncation or trailing bytes) or `BAD_SHAPE`
 *   ({@link INVALID_REQUEST_MESSAGE}, for a non-array, an empty array or a
 *   non-string method).
 */
export function decodeRequest(frame: Uint8Array): LuaRequest {
  let decoded: unknown;
  try {
    decoded = decodeMsgpack(frame);
  } catch (err) {
    const detail = errorMessageOf(err).replace(MALFORMED_MSGPACK, '');
    throw new RpcProtocolError(MALFORMED_REQUEST_PREFIX + detail, (err as RpcProtocolError).reason ?? 'MALFORMED', { cause: err });
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'string') {
    throw new RpcProtocolError(INVALID_REQUEST_MESSAGE, 'BAD_SHAPE');
  }
  return { method: decoded[0], args: decoded.slice(1) };
}

/**
 * Encodes a successful reply: `['OK', msgpack(value)]`; `undefined` is sent as nil.
 * The returned status frame is shared: do not modify it.
 *
 * @throws RpcProtocolError (`UNENCODABLE`).
 */
export function encodeReply(value: unknown): [Buffer, Buffer] {
  return [OK_FRAME, value === undefined || value === null ? NIL_FRAME : encodeValue(value)];
}

/**
 * Encodes an error reply: `['ERROR', msgpack(message)]`.
 * The returned status frame is shared: do not modify it.
 */
export function encodeErrorReply(message: string): [Buffer, Buffer] {
  return [ERROR_FRAME, encodeValue(String(message))];
}

/** A decoded LuaOverMQ reply. */
export type LuaReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

/** Whether a status frame holds exactly `text` (a few octets: compared here, not by a call into Buffer.equals). */
function sameAscii(frame: Uint8Array, text: Buffer): boolean {
  const n = text.length;
  if (frame.byteLength !== n) return false;
  for (let i = 0; i < n; i++) if (frame[i] !== text[i]) return false;
  return true;
}

/**
 * Decodes a two-frame reply. An `ERROR` payload that is not a string (some
 * servers send tables) is turned into text with JSON-like formatting.
 *
 * @throws RpcProtocolError: `BAD_FRAMES` (not exactly two frames), `BAD_STATUS`
 *   (status neither `OK` nor `ERROR`), `MALFORMED` (payload not msgpack).
 */
export function decodeReply(frames: readonly Uint8Array[]): LuaReply {
  if (frames.length !== 2) {
    throw new RpcProtocolError(`reply must have 2 frames, got ${frames.length}`, 'BAD_FRAMES');
  }
  const [status, payload] = frames as readonly [Uint8Array, Uint8Array];
  const ok = sameAscii(status, OK_FRAME);
  if (!ok && !sameAscii(status, ERROR_FRAME)) {
    throw new RpcProtocolError('reply status must be OK or ERROR', 'BAD_STATUS');
  }
  const value = decodeValue(payload);
  if (ok) return { ok: true, value };
  return { ok: false, message: typeof value === 'string' ? value : describePayload(value) };
}

function describePayload(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Encodes a publish message: `[topic, msgpack(value)]`. Subscribers filter on
 * the first frame by prefix.
 *
 * @throws RpcProtocolError (`UNENCODABLE`).
 */
export function encodePublish(topic: string | Uint8Array, value: unknown): [Buffer, Buffer] {
  return [typeof topic === 'string' ? Buffer.from(topic, 'utf8') : asBuffer(topic), encodeValue(value)];
}

/** A decoded publish message. */
export interface LuaPublish {
  /** The topic frame, as received. */
  readonly topic: Buffer;
  /** The decoded value. */
  readonly value: unknown;
}

/**
 * Decodes a publish message of exactly two frames.
 *
 * @throws RpcProtocolError: `BAD_FRAMES` or `MALFORMED`.
 */
export function decodePublish(frames: readonly Uint8Array[]): LuaPublish {
  if (frames.length !== 2) {
    throw new RpcProtocolError(`publish message must have 2 frames, got ${frames.length}`, 'BAD_FRAMES');
  }
  return { topic: asBuffer(frames[0] as Uint8Array), value: decodeValue(frames[1] as Uint8Array) };
}

const NAME_PREFIX = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*): /;
const NAME_ONLY = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/**
 * The `ERROR` reply text our server sends for a thrown value:
 * `"<name>: <message>"` for an Error whose `name` is an identifier other than
 * `Error`; `"Error: <message>"` for a plain Error whose message would otherwise
 * be mistaken for a prefixed one; the bare message otherwise.
 */
export function formatRemoteError(err: unknown): string {
  const message = errorMessageOf(err);
  if (err instanceof Error && typeof err.name === 'string' && err.name !== 'Error' && NAME_ONLY.test(err.name)) {
    return `${err.name}: ${message}`;
  }
  return NAME_PREFIX.test(message) ? `Error: ${message}` : message;
}

/**
 * Splits an `ERROR` reply text into the remote error name and message
 * (inverse of {@link formatRemoteError}); text without a `Name: ` prefix gives
 * name `Error` and the whole text.
 */
export function parseRemoteError(message: string): { name: string; message: string } {
  const m = NAME_PREFIX.exec(message);
  if (m === null) return { name: 'Error', message };
  return { name: m[1] as string, message: message.slice(m[0].length) };
}
