/**
 * Manley's zerorpc (K. Manley, 2012) wire codec: one JSON frame per message
 * over REQ -> ROUTER.
 *
 * Request: always a LIST of calls, `[[name, [args...], {kwargs}], ...]` (a
 * single call is a one-element list; several make a MultiCall, executed in order).
 * Response: an index-aligned list of entries,
 * `{"success": true, "result": R}` or
 * `{"success": false, "error_type": "KeyError", "message": "...", "traceback": "..."}`.
 * Unknown function: error_type `KeyError`, message `Function 'x' not found`,
 * traceback `""`.
 *
 * Byte layout. The reference implementation serialises with `ujson.dumps`:
 * compact separators `,` and `:`. Our default `'compact'` style writes the same
 * separators with `JSON.stringify` (fast path; non-ASCII stays raw UTF-8 and `/`
 * is not escaped, where ujson writes `\uXXXX` and `\/`; both are equivalent JSON).
 * The `'python'` style reproduces CPython's `json.dumps` defaults byte for byte
 * (`", "`, `": "`, ASCII-only). Decoders accept any valid JSON, plus Python's
 * `NaN`/`Infinity` tokens.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  RemoteCallError,
  RpcProtocolError,
  decodeUtf8Frame,
  errorMessageOf,
  errorNameOf,
  isRecord,
} from '../codec/errors.js';
import { compactJsonDumps, parsePythonJson, pythonJsonDumps, type JsonStyle } from '../codec/pyjson.js';

export type { JsonStyle };

/** Options shared by the Manley encoders. */
export interface ManleyEncodeOptions {
  /** JSON byte layout; default `'compact'`. */
  readonly style?: JsonStyle;
}

/** One call of a request, as given to {@link encodeRequest}. */
export interface ManleyCallInput {
  /** Function name, dotted for namespaces (`my.namespace.mult`). */
  readonly name: string;
  /** Positional arguments; default none. */
  readonly args?: readonly unknown[];
  /** Keyword arguments; default none. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

/** One decoded call of a request. */
export interface ManleyCall {
  /** Function name. */
  readonly name: string;
  /** Positional arguments. */
  readonly args: unknown[];
  /** Keyword arguments (`{}` when none). */
  readonly kwargs: Record<string, unknown>;
}

/** A successful response entry. */
export interface ManleySuccessEntry {
  /** Always `true` for a success. */
  readonly success: true;
  /** The function's result (`null` for none). */
  readonly result: unknown;
}

/** A failed response entry. */
export interface ManleyErrorEntry {
  /** Always `false` for a failure. */
  readonly success: false;
  /** Type name of the raised error (`KeyError`, `TypeError`, ...). */
  readonly error_type: string;
  /** Error message. */
  readonly message: string;
  /** Traceback / stack text, `""` when none. */
  readonly traceback: string;
}

/** One response entry. */
export type ManleyEntry = ManleySuccessEntry | ManleyErrorEntry;

function dumps(value: unknown, style: JsonStyle | undefined): Buffer {
  let text: string;
  try {
    text = style === 'python' ? pythonJsonDumps(value) : compactJsonDumps(value);
  } catch (err) {
    throw new RpcProtocolError(`cannot encode value as JSON: ${errorMessageOf(err)}`, 'UNENCODABLE', { cause: err });
  }
  return Buffer.from(text, 'utf8');
}

function loads(frame: Uint8Array, what: string): unknown {
  const text = decodeUtf8Frame(frame, what);
  try {
    return parsePythonJson(text);
  } catch (err) {
    throw new RpcProtocolError(`malformed JSON ${what}: ${errorMessageOf(err)}`, 'MALFORMED', { cause: err });
  }
}

/**
 * Encodes a request frame: `[[name, [args...], {kwargs}], ...]` (always the
 * three-element form, which the reference server unpacks).
 *
 * @throws TypeError for a call without a string name; RpcProtocolError (`UNENCODABLE`).
 */
export function encodeRequest(calls: readonly ManleyCallInput[], options: ManleyEncodeOptions = {}): Buffer {
  const list = calls.map((c) => {
    if (typeof c.name !== 'string') throw new TypeError('call name must be a string');
    return [c.name, c.args ?? [], c.kwargs ?? {}];
  });
  return dumps(list, options.style);
}

/**
 * The calls a request frame carries, counted from its octets without
 * parsing (the elements of its top-level list: commas at that level,
 * outside strings); at least 1, and 1 for a frame that is no list. It
 * agrees with {@link decodeRequest}'s length for any request that decodes
 * to at least one call.
 */
export function countRequestCalls(frame: Uint8Array): number {
  let depth = 0;
  let calls = 0;
  let inString = false;
  // JSON's structural characters are ASCII, and no octet of a multi-octet UTF-8 character is.
  for (let i = 0; i < frame.length; i++) {
    const c = frame[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (depth === 0 && c !== 0x5b) return 1; // not a list: answered with one entry
    if (depth === 1 && calls === 0 && c !== 0x5d) calls = 1;
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth === 0) break;
    } else if (c === 0x2c && depth === 1) calls++;
  }
  return Math.max(calls, 1);
}

/**
 * Decodes a request frame. Each call must be `[name, args]` or
 * `[name, args, kwargs]` with a string name, an array of args and an object of
 * kwargs (`null` kwargs count as none).
 *
 * @throws RpcProtocolError: `MALFORMED` (not UTF-8 JSON) or `BAD_SHAPE`.
 */
export function decodeRequest(frame: Uint8Array): ManleyCall[] {
  const decoded = loads(frame, 'request');
  if (!Array.isArray(decoded)) throw new RpcProtocolError('request must be a list of calls', 'BAD_SHAPE');
  return decoded.map((entry: unknown, i) => {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3) {
      throw new RpcProtocolError(`call ${i} must be [name, args, kwargs]`, 'BAD_SHAPE');
    }
    const [name, args, kwargs] = entry as [unknown, unknown, unknown];
    if (typeof name !== 'string') throw new RpcProtocolError(`call ${i}: name must be a string`, 'BAD_SHAPE');
    if (!Array.isArray(args)) throw new RpcProtocolError(`call ${i}: args must be a list`, 'BAD_SHAPE');
    if (kwargs !== undefined && kwargs !== null && !(isRecord(kwargs) && !Array.isArray(kwargs))) {
      throw new RpcProtocolError(`call ${i}: kwargs must be an object`, 'BAD_SHAPE');
    }
    return { name, args, kwargs: (kwargs ?? {}) as Record<string, unknown> };
  });
}

function entryObject(e: ManleyEntry): Record<string, unknown> {
  return e.success
    ? { success: true, result: e.result === undefined ? null : e.result }
    : { success: false, error_type: e.error_type, message: e.message, traceback: e.traceback };
}

/**
 * Encodes a response frame from index-aligned entries.
 *
 * @throws RpcProtocolError (`UNENCODABLE`).
 */
export function encodeResponse(entries: readonly ManleyEntry[], options: ManleyEncodeOptions = {}): Buffer {
  return dumps(entries.map(entryObject), options.style);
}

/**
 * Encodes one response entry on its own (the JSON object, no list around
 * it), so that a server can weigh each entry; {@link joinResponse} makes the
 * frame.
 *
 * @throws RpcProtocolError (`UNENCODABLE`).
 */
export function encodeEntry(entry: ManleyEntry, options: ManleyEncodeOptions = {}): Buffer {
  return dumps(entryObject(entry), options.style);
}

/**
 * A response frame from entries encoded by {@link encodeEntry} with the same
 * style: the same octets as {@link encodeResponse} of those entries.
 */
export function joinResponse(encoded: readonly Buffer[], options: ManleyEncodeOptions = {}): Buffer {
  const separator = Buffer.from(options.style === 'python' ? ', ' : ',');
  const parts: Buffer[] = [Buffer.from('[')];
  encoded.forEach((e, i) => {
    if (i > 0) parts.push(separator);
    parts.push(e);
  });
  parts.push(Buffer.from(']'));
  return Buffer.concat(parts);
}

/**
 * Decodes a response frame into entries. A missing `traceback` reads as `""`,
 * a missing `result` as `null`.
 *
 * @param expectedLength - when given, the number of calls sent: a different
 *   entry count is a protocol error.
 * @throws RpcProtocolError: `MALFORMED` or `BAD_SHAPE`.
 */
export function decodeResponse(frame: Uint8Array, expectedLength?: number): ManleyEntry[] {
  const decoded = loads(frame, 'response');
  if (!Array.isArray(decoded)) throw new RpcProtocolError('response must be a list of results', 'BAD_SHAPE');
  if (expectedLength !== undefined && decoded.length !== expectedLength) {
    throw new RpcProtocolError(`response has ${decoded.length} entries, expected ${expectedLength}`, 'BAD_SHAPE');
  }
  return decoded.map((entry: unknown, i): ManleyEntry => {
    if (!isRecord(entry) || typeof entry['success'] !== 'boolean') {
      throw new RpcProtocolError(`entry ${i} must be an object with a boolean "success"`, 'BAD_SHAPE');
    }
    if (entry['success']) return { success: true, result: entry['result'] === undefined ? null : entry['result'] };
    const errorType = entry['error_type'];
    const message = entry['message'];
    const traceback = entry['traceback'] ?? '';
    if (typeof errorType !== 'string' || typeof message !== 'string' || typeof traceback !== 'string') {
      throw new RpcProtocolError(`entry ${i}: error_type, message and traceback must be strings`, 'BAD_SHAPE');
    }
    return { success: false, error_type: errorType, message, traceback };
  });
}

/** A success entry for a function's return value (`undefined` becomes `null`). */
export function resultEntry(result: unknown): ManleySuccessEntry {
  return { success: true, result: result === undefined ? null : result };
}

/** The error entry for an unknown function: `KeyError`, `Function 'x' not found`, empty traceback. */
export function notFoundEntry(name: string): ManleyErrorEntry {
  return { success: false, error_type: 'KeyError', message: `Function '${name}' not found`, traceback: '' };
}

/**
 * The error entry for a thrown value: error_type is the error's `name`
 * (`Error` for non-Error values), traceback its `stack` when `traceback` is
 * true, `""` otherwise (a stack tells a remote caller the server's file
 * paths, so servers send it only when asked to).
 */
export function errorEntry(err: unknown, traceback = false): ManleyErrorEntry {
  const stack = traceback && err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  return { success: false, error_type: errorNameOf(err), message: errorMessageOf(err), traceback: stack };
}

/** The client-side error for an error entry, carrying error_type as `remoteName` and the traceback. */
export function entryToError(entry: ManleyErrorEntry): RemoteCallError {
  return new RemoteCallError(entry.message, { remoteName: entry.error_type, remoteTraceback: entry.traceback });
}

/**
 * The result of an entry, or throws its error (what the reference client does
 * when entry i of a MultiCall is read).
 *
 * @throws RemoteCallError for an error entry.
 */
export function unwrapEntry(entry: ManleyEntry): unknown {
  if (entry.success) return entry.result;
  throw entryToError(entry);
}
