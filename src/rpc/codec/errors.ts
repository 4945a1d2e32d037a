/**
 * Errors and small helpers shared by the sans-I/O RPC wire codecs
 * (LuaOverMQ msgpack frames, Manley's zerorpc JSON, pyzmqrpc3 base64/zlib/JSON).
 *
 * Nothing in this folder touches a socket: every codec takes frames (Uint8Array /
 * Buffer) in and gives values out, and the other way round.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/**
 * Why a frame was rejected by a codec.
 *
 * - `MALFORMED`: the bytes are not valid in the wire encoding (bad msgpack, bad
 *   JSON, bad base64, bad zlib stream, trailing bytes).
 * - `BAD_SHAPE`: the encoding is valid but the decoded value does not have the
 *   structure the protocol requires (e.g. a request that is not an array).
 * - `BAD_FRAMES`: a multipart message has the wrong number of frames.
 * - `BAD_STATUS`: a status frame / status code that the protocol does not define.
 * - `UNKNOWN_COMMAND`: a pyzmqrpc3 command class name that no registry knows.
 * - `UNENCODABLE`: a value given to an encoder cannot be represented on the wire.
 * - `TOO_LARGE`: the input is beyond a size or nesting bound of the decoder
 *   (a compressed command inflating past its bound, JSON nested too deep).
 */
export type RpcProtocolErrorReason =
  | 'MALFORMED'
  | 'BAD_SHAPE'
  | 'BAD_FRAMES'
  | 'BAD_STATUS'
  | 'UNKNOWN_COMMAND'
  | 'UNENCODABLE'
  | 'TOO_LARGE';

/**
 * A frame (or value) that violates a wire protocol. Its `code` is always
 * `EPROTO`; `reason` says which rule was broken. For request decoders whose
 * protocol answers protocol errors in-band, `message` is the exact text that
 * the server puts in its error reply.
 */
export class RpcProtocolError extends Error {
  /** Always `'EPROTO'`, in the style of Node's system error codes. */
  readonly code = 'EPROTO' as const;
  /** Which protocol rule was broken. */
  readonly reason: RpcProtocolErrorReason;

  /**
   * @param message - the human-readable (and, where the protocol says so, on-the-wire) text.
   * @param reason - which rule was broken.
   * @param options - standard `cause` chaining.
   */
  constructor(message: string, reason: RpcProtocolErrorReason, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RpcProtocolError';
    this.reason = reason;
  }
}

/** Options of {@link RemoteCallError}. */
export interface RemoteCallErrorOptions {
  /** Type name of the error on the remote side (e.g. `KeyError`, `TypeError`). */
  readonly remoteName?: string;
  /** Remote traceback / stack text, when the protocol carries one. */
  readonly remoteTraceback?: string;
  /** Numeric status code, when the protocol carries one (pyzmqrpc3). */
  readonly statusCode?: number;
}

/**
 * An error raised by the remote side of a call and carried back over the wire
 * (a Manley error entry, a pyzmqrpc3 non-200 status, a LuaOverMQ `ERROR` reply).
 * The codecs build it; clients may throw it as is or wrap it.
 */
export class RemoteCallError extends Error {
  /** Always `'EREMOTE'`. */
  readonly code = 'EREMOTE' as const;
  /** Type name of the remote error; `'Error'` when the protocol carries none. */
  readonly remoteName: string;
  /** The remote error message, without the type-name prefix. */
  readonly remoteMessage: string;
  /** Remote traceback text, `''` when none was sent. */
  readonly remoteTraceback: string;
  /** Status code for protocols that have one, otherwise `undefined`. */
  readonly statusCode: number | undefined;

  /**
   * @param remoteMessage - the message as sent by the remote side.
   * @param options - remote type name, traceback and status code.
   */
  constructor(remoteMessage: string, options: RemoteCallErrorOptions = {}) {
    const remoteName = options.remoteName ?? 'Error';
    super(remoteName === 'Error' ? remoteMessage : `${remoteName}: ${remoteMessage}`);
    this.name = 'RemoteCallError';
    this.remoteName = remoteName;
    this.remoteMessage = remoteMessage;
    this.remoteTraceback = options.remoteTraceback ?? '';
    this.statusCode = options.statusCode;
  }
}

/**
 * The message of any thrown value: `err.message` for an Error, the string
 * itself for a string, otherwise `String(value)` (never throws).
 */
export function errorMessageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}

/**
 * The type name of any thrown value: `err.name` for an Error (falling back to
 * `'Error'` when it is empty or not a string), `'Error'` for anything else.
 */
export function errorNameOf(err: unknown): string {
  if (err instanceof Error && typeof err.name === 'string' && err.name !== '') return err.name;
  return 'Error';
}

/**
 * True for a value that a codec treats as a map/dict: a non-null object that
 * is neither an array nor binary data (`ArrayBuffer` views).
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Wraps a Uint8Array in a Buffer without copying (returns it unchanged when it
 * already is a Buffer).
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes a frame as strict UTF-8 text, throwing {@link RpcProtocolError}
 * (`MALFORMED`) on invalid sequences. `what` names the frame in the message.
 */
export function decodeUtf8Frame(frame: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(frame);
  } catch (err) {
    throw new RpcProtocolError(`${what} is not valid UTF-8`, 'MALFORMED', { cause: err });
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
