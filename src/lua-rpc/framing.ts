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

/** Reads of at most this many octets are copied together into one buffer. */
const SMALL_READ = 512;
/** Size of that buffer. */
const TAIL_SIZE = 16 * 1024;

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
  /** Octets received and not yet taken: `chunks[head]` from `off`, then the later chunks. */
  private chunks: Buffer[] = [];
  private head = 0;
  private off = 0;
  private length = 0;
  /** Where small reads are gathered (see {@link SMALL_READ}); `tailUsed` octets of it are written. */
  private tail: Buffer | undefined;
  private tailUsed = 0;
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
   * Buffers holding those octets.
   * @internal
   */
  get bufferedChunks(): number {
    return this.chunks.length - this.head;
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
    if (chunk.length > 0) this.add(chunk);
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

  /**
   * Keeps a chunk. A small one is copied into the tail buffer, so that a
   * peer sending one octet per TCP segment leaves a few buffers to gather,
   * not one per octet.
   */
  private add(chunk: Uint8Array): void {
    this.length += chunk.length;
    if (chunk.length > SMALL_READ) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      return;
    }
    if (this.tail === undefined || this.tailUsed + chunk.length > this.tail.length) {
      this.tail = Buffer.allocUnsafe(TAIL_SIZE);
      this.tailUsed = 0;
    }
    const tail = this.tail;
    const start = this.tailUsed;
    tail.set(chunk, start);
    this.tailUsed += chunk.length;
    const lastAt = this.chunks.length - 1;
    const last = lastAt >= this.head ? this.chunks[lastAt]! : undefined;
    if (last !== undefined && last.buffer === tail.buffer && last.byteOffset + last.length === tail.byteOffset + start) {
      // The last untaken chunk ends where these octets went: it grows to hold them.
      this.chunks[lastAt] = tail.subarray(last.byteOffset - tail.byteOffset, this.tailUsed);
    } else this.chunks.push(tail.subarray(start, this.tailUsed));
  }

  /** Moves past a chunk taken whole: an index, not shift(), so that gathering many chunks stays linear. */
  private nextChunk(): void {
    this.off = 0;
    if (++this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  private take(n: number): Buffer {
    this.length -= n;
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head]!;
    if (first.length - this.off >= n) {
      const r = first.subarray(this.off, this.off + n);
      this.off += n;
      if (this.off === first.length) this.nextChunk();
      return r;
    }
    const r = Buffer.allocUnsafe(n);
    let w = 0;
    while (w < n) {
      const c = this.chunks[this.head]!;
      const m = Math.min(c.length - this.off, n - w);
      c.copy(r, w, this.off, this.off + m);
      w += m;
      this.off += m;
      if (this.off === c.length) this.nextChunk();
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
