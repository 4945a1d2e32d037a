/**
 * Framing of the Lua RPC protocol: a 6-octet header (`type u8`, `seq u8`,
 * `size u32` big-endian) followed by `size` octets of payload. A call payload
 * is the procedure name then the arguments, a response payload is a status
 * octet then the results, each a top-level luatobin object.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { LuaRpcFrameTooLargeError, LuaRpcProtocolError } from "./errors.js";
import { LuaWriter } from "./encoder.js";

/** Message types of the header's first octet. */
export const MessageType = {
  /** A call: payload is the procedure name then the arguments. */
  CALL: 0,
  /** A response: payload is the status octet then the results. */
  RESPONSE: 1,
} as const;

/** Response status octets. */
export const Status = {
  /** Success; the results follow. */
  OK: 0,
  /** The procedure raised an error; the error value follows. */
  ERROR: 1,
  /** No such procedure. */
  NO_SUCH_PROCEDURE: 2,
  /** The name exists but is not callable. */
  NOT_CALLABLE: 3,
  /** The results could not be serialized; `"Cannot serialize result"` follows. */
  NOT_SERIALIZABLE: 4,
} as const;

/** Size of the frame header in octets. */
export const HEADER_SIZE = 6;

/** Default limit of a frame payload: 16 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

/** One decoded frame. */
export interface Frame {
  /** {@link MessageType.CALL} or {@link MessageType.RESPONSE}. */
  type: 0 | 1;
  /** Sequence number, 0-255. */
  seq: number;
  /** The payload (a view on the received octets, not a copy). */
  payload: Buffer;
}

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /** Largest accepted payload size in octets (default 16 MiB). */
  maxFrameSize?: number;
}

/**
 * Incremental frame decoder: feed it the octets of a stream in any split,
 * it returns the complete frames. The payload size is checked against
 * `maxFrameSize` as soon as the header is complete, before any payload is
 * buffered. After it has thrown, the decoder refuses further input.
 */
export class FrameDecoder {
  private readonly maxFrameSize: number;
  private chunks: Buffer[] = [];
  private off = 0;
  private length = 0;
  private type: 0 | 1 = 0;
  private seq = 0;
  private size = -1;
  private failed: LuaRpcProtocolError | undefined;

  /**
   * @param options - decoder options.
   */
  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  /** Octets received but not yet returned in a frame. */
  get buffered(): number {
    return this.length;
  }

  /**
   * Adds octets and returns the frames they complete.
   * @param chunk - next octets of the stream.
   * @throws {@link LuaRpcProtocolError} (or its subclass
   * {@link LuaRpcFrameTooLargeError}) on a malformed header.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.failed) throw this.failed;
    const frames: Frame[] = [];
    if (chunk.length > 0) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.length += chunk.length;
    }
    for (;;) {
      if (this.size < 0) {
        if (this.length < HEADER_SIZE) break;
        const h = this.take(HEADER_SIZE);
        const type = h[0]!;
        const size = h.readUInt32BE(2);
        if (type !== MessageType.CALL && type !== MessageType.RESPONSE) {
          throw (this.failed = new LuaRpcProtocolError(`bad message type ${type}`));
        }
        if (size > this.maxFrameSize) throw (this.failed = new LuaRpcFrameTooLargeError(size, this.maxFrameSize));
        if (type === MessageType.RESPONSE && size < 1) {
          throw (this.failed = new LuaRpcProtocolError("response frame without status octet"));
        }
        this.type = type;
        this.seq = h[1]!;
        this.size = size;
      }
      if (this.length < this.size) break;
      frames.push({ type: this.type, seq: this.seq, payload: this.take(this.size) });
      this.size = -1;
    }
    return frames;
  }

  private take(n: number): Buffer {
    this.length -= n;
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    if (first.length - this.off >= n) {
      const r = first.subarray(this.off, this.off + n);
      this.off += n;
      if (this.off === first.length) {
        this.chunks.shift();
        this.off = 0;
      }
      return r;
    }
    const r = Buffer.allocUnsafe(n);
    let w = 0;
    while (w < n) {
      const c = this.chunks[0]!;
      const m = Math.min(c.length - this.off, n - w);
      c.copy(r, w, this.off, this.off + m);
      w += m;
      this.off += m;
      if (this.off === c.length) {
        this.chunks.shift();
        this.off = 0;
      }
    }
    return r;
  }
}

/**
 * Writes a whole call frame (header, name, arguments) into `w`, which is
 * reset first. Use `w.result()` (or `w.buf.subarray(0, w.pos)`) afterwards.
 * @param w - writer to use.
 * @param seq - sequence number (0-255).
 * @param name - procedure name.
 * @param args - arguments.
 * @throws {@link LuaEncodeError}
 */
export function writeCallFrame(w: LuaWriter, seq: number, name: unknown, args: readonly unknown[]): void {
  w.reset();
  w.ensure(HEADER_SIZE);
  w.pos = HEADER_SIZE;
  w.writeValue(name);
  for (const a of args) w.writeValue(a);
  finish(w, MessageType.CALL, seq);
}

/**
 * Writes a whole response frame (header, status, results) into `w`, which
 * is reset first.
 * @param w - writer to use.
 * @param seq - sequence number of the answered call.
 * @param status - status octet (see {@link Status}).
 * @param results - results (or the error value).
 * @throws {@link LuaEncodeError}
 */
export function writeResponseFrame(w: LuaWriter, seq: number, status: number, results: readonly unknown[]): void {
  w.reset();
  w.ensure(HEADER_SIZE + 1);
  w.buf[HEADER_SIZE] = status;
  w.pos = HEADER_SIZE + 1;
  for (const r of results) w.writeValue(r);
  finish(w, MessageType.RESPONSE, seq);
}

function finish(w: LuaWriter, type: number, seq: number): void {
  w.buf[0] = type;
  w.buf[1] = seq & 0xff;
  w.buf.writeUInt32BE(w.pos - HEADER_SIZE, 2);
}

/**
 * Encodes a call frame.
 * @param seq - sequence number (0-255).
 * @param name - procedure name.
 * @param args - arguments.
 * @returns a new Buffer holding the frame.
 * @throws {@link LuaEncodeError}
 */
export function encodeCallFrame(seq: number, name: unknown, args: readonly unknown[] = []): Buffer {
  const w = new LuaWriter(256);
  writeCallFrame(w, seq, name, args);
  return w.result();
}

/**
 * Encodes a response frame.
 * @param seq - sequence number of the answered call.
 * @param status - status octet (see {@link Status}).
 * @param results - results (or the error value).
 * @returns a new Buffer holding the frame.
 * @throws {@link LuaEncodeError}
 */
export function encodeResponseFrame(seq: number, status: number, results: readonly unknown[] = []): Buffer {
  const w = new LuaWriter(256);
  writeResponseFrame(w, seq, status, results);
  return w.result();
}
