/**
 * ZMTP frame encoder: RFC 23 section "Framing".
 *
 * Frames are appended to a batch that is taken once per write. Headers and
 * small bodies are copied into a shared chunk so that a burst of small
 * messages becomes one contiguous buffer (one syscall); large bodies are
 * referenced, not copied.
 *
 * An encoder holds a chunk only while what it wrote into it may still be
 * read: once its writer says every batch was consumed ({@link
 * FrameEncoder.rewind}), the chunk goes back to one spare per thread,
 * which the next encoder to write takes. A connection that is idle after
 * traffic then keeps no chunk of its own, and busy connections, whose
 * writes mostly complete at once, pass one chunk around instead of each
 * holding up to 64 KiB.
 */
import { Buffer } from "node:buffer";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, SHORT_MAX } from "./frame.js";

/** Bodies up to this size are copied into the batch chunk. */
const COPY_LIMIT = 16 * 1024;
/**
 * Chunks start small and double each time one fills, up to the largest
 * size: a connection that only handshakes (or a peer that connects and
 * leaves, over and over) then costs a few hundred octets from Node's shared
 * pool instead of 64 KiB of its own off-heap memory, while a busy sender
 * reaches full-size chunks after a few batches.
 */
const FIRST_CHUNK = 512;
const CHUNK_SIZE = 64 * 1024;
const NO_CHUNK = Buffer.alloc(0);
/** The chunk no encoder holds: the largest one given back (see {@link FrameEncoder.rewind}). */
let spare = NO_CHUNK;

/** Builds batches of encoded frames. */
export class FrameEncoder {
  private chunk = NO_CHUNK;
  private nextChunk = FIRST_CHUNK;
  private start = 0;
  private pos = 0;
  private out: Buffer[] = [];
  private bytes = 0;

  /** Octets appended and not yet taken. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** Appends every part of a message, MORE set on all but the last. */
  message(parts: readonly Buffer[]): void {
    const last = parts.length - 1;
    for (let i = 0; i <= last; i++) this.frame(parts[i]!, i < last ? FLAG_MORE : 0);
  }

  /** Appends a command frame; `body` is `name-length name data`. */
  command(body: Buffer): void {
    this.frame(body, FLAG_COMMAND);
  }

  /** Appends raw octets (the greeting). */
  raw(data: Buffer): void {
    this.ensure(data.length);
    data.copy(this.chunk, this.pos);
    this.pos += data.length;
    this.bytes += data.length;
  }

  /** Appends one frame with the given MORE/COMMAND flags. */
  frame(body: Uint8Array, flags: number): void {
    const size = body.length;
    const long = size > SHORT_MAX;
    const header = long ? 9 : 2;
    const copy = size <= COPY_LIMIT;
    this.ensure(copy ? header + size : header);
    const c = this.chunk;
    let p = this.pos;
    if (long) {
      c[p++] = flags | FLAG_LONG;
      c.writeUInt32BE(Math.floor(size / 0x100000000), p);
      c.writeUInt32BE(size >>> 0, p + 4);
      p += 8;
    } else {
      c[p++] = flags;
      c[p++] = size;
    }
    if (copy) {
      if (size < 64) {
        for (let i = 0; i < size; i++) c[p + i] = body[i]!;
      } else {
        c.set(body, p);
      }
      p += size;
      this.pos = p;
    } else {
      this.pos = p;
      this.cut();
      this.out.push(body instanceof Buffer ? body : Buffer.from(body.buffer, body.byteOffset, size));
    }
    this.bytes += header + size;
  }

  /** Hands over everything appended since the last call. */
  take(): Buffer[] {
    this.cut();
    const out = this.out;
    this.out = [];
    this.bytes = 0;
    return out;
  }

  /**
   * Gives the chunk back: the next batch (of this encoder or any other on
   * the thread) is written from its start again. Only for a caller that
   * knows every buffer taken so far has been consumed (copied into the
   * kernel by a write that completed at once): the chunk is then reused
   * instead of a new one being allocated per batch, which is most of the
   * garbage a busy sender makes, and an idle connection holds none.
   */
  rewind(): void {
    if (this.out.length !== 0 || this.start !== this.pos || this.chunk === NO_CHUNK) return;
    // One spare is enough: encoders of one thread write one after the other.
    if (this.chunk.length > spare.length) spare = this.chunk;
    this.chunk = NO_CHUNK;
    this.start = this.pos = 0;
  }

  private cut(): void {
    if (this.pos > this.start) {
      this.out.push(this.chunk.subarray(this.start, this.pos));
      this.start = this.pos;
    }
  }

  private ensure(n: number): void {
    if (this.chunk.length - this.pos >= n) return;
    this.cut();
    const size = Math.max(this.nextChunk, n);
    if (spare.length >= size) {
      this.chunk = spare;
      spare = NO_CHUNK;
    } else {
      this.chunk = Buffer.allocUnsafe(size);
      if (this.nextChunk < CHUNK_SIZE) this.nextChunk *= 2;
    }
    this.start = this.pos = 0;
  }
}

/** Encodes one frame on its own (tests, tools). */
export function encodeFrame(body: Uint8Array, flags = 0): Buffer {
  const e = new FrameEncoder();
  e.frame(body, flags);
  return Buffer.concat(e.take());
}
