/**
 * Incremental ZMTP frame decoder: RFC 23 section "Framing".
 *
 * An explicit state machine (flags, size, body) fed with chunks split
 * anywhere. A frame lying wholly inside one chunk is handed out as a slice of
 * that chunk (zero copy); only frames spanning chunks are assembled. Sizes are
 * checked against the limit before any body is buffered, and a large body is
 * gathered as it arrives rather than allocated from its declared size, so a
 * peer cannot make us reserve gigabytes with a 9-octet header.
 */
import { Buffer, constants } from "node:buffer";
import { bufferView } from "./buffer-view.js";
import { ZmtpProtocolError } from "./errors.js";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FLAG_RESERVED } from "./frame.js";

/** Receives decoded frames. */
export interface FrameSink {
  /** A whole frame; `flags` is the raw flags octet. */
  onFrame(body: Buffer, flags: number): void;
}

const enum State {
  Flags,
  ShortSize,
  LongSize,
  Body,
}

const EMPTY = Buffer.alloc(0);
/** Spanning bodies up to this size get their buffer at once; larger ones are gathered piece by piece. */
const PREALLOCATE_LIMIT = 64 * 1024;

/** Turns a byte stream into frames. */
export class FrameDecoder {
  private state = State.Flags;
  private flags = 0;
  private size = 0;
  private readonly sizeBuf = Buffer.alloc(8);
  private sizeFilled = 0;
  private body: Buffer = EMPTY;
  /** Received pieces of a body larger than PREALLOCATE_LIMIT. */
  private pieces: Buffer[] = [];
  private bodyFilled = 0;

  /**
   * @param sink receives each frame
   * @param maxFrameSize largest body accepted, or -1 for no limit other than
   *   what a Buffer can hold
   */
  constructor(
    private readonly sink: FrameSink,
    public maxFrameSize = -1,
  ) {}

  /** True when no partial frame is buffered. */
  get idle(): boolean {
    return this.state === State.Flags;
  }

  /** Feeds a chunk; throws {@link ZmtpProtocolError} on malformed input. */
  push(chunk: Buffer): void {
    const len = chunk.length;
    const ab = chunk.buffer;
    const base = chunk.byteOffset;
    let pos = 0;
    while (pos < len) {
      switch (this.state) {
        case State.Flags: {
          const flags = chunk[pos]!;
          if ((flags & FLAG_RESERVED) !== 0) {
            throw new ZmtpProtocolError(`invalid frame flags 0x${flags.toString(16).padStart(2, "0")}: reserved bits set`);
          }
          if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) {
            throw new ZmtpProtocolError("invalid frame flags: a command frame cannot have MORE set");
          }
          this.flags = flags;
          pos++;
          // Fast path: a short frame wholly inside this chunk.
          if ((flags & FLAG_LONG) === 0 && pos < len) {
            const size = chunk[pos]!;
            if (pos + 1 + size <= len && (this.maxFrameSize < 0 || size <= this.maxFrameSize)) {
              pos++;
              this.sink.onFrame(bufferView(ab, base + pos, size), flags);
              pos += size;
              continue;
            }
          }
          this.state = (flags & FLAG_LONG) !== 0 ? State.LongSize : State.ShortSize;
          this.sizeFilled = 0;
          break;
        }
        case State.ShortSize:
          this.beginBody(chunk[pos++]!);
          break;
        case State.LongSize: {
          const take = Math.min(8 - this.sizeFilled, len - pos);
          chunk.copy(this.sizeBuf, this.sizeFilled, pos, pos + take);
          this.sizeFilled += take;
          pos += take;
          if (this.sizeFilled === 8) {
            const hi = this.sizeBuf.readUInt32BE(0);
            const lo = this.sizeBuf.readUInt32BE(4);
            // Past 2^53 the size is not even a safe number, let alone a buffer.
            if (hi >= 0x200000) {
              throw new ZmtpProtocolError(`frame of ${this.sizeBuf.readBigUInt64BE(0)} octets is larger than any buffer`, "EMSGSIZE");
            }
            this.beginBody(hi * 0x100000000 + lo);
          }
          break;
        }
        case State.Body: {
          if (this.bodyFilled === 0 && len - pos >= this.size) {
            const end = pos + this.size;
            this.finish(bufferView(ab, base + pos, this.size));
            pos = end;
            break;
          }
          const take = Math.min(this.size - this.bodyFilled, len - pos);
          if (this.size <= PREALLOCATE_LIMIT) {
            if (this.body === EMPTY) this.body = Buffer.allocUnsafe(this.size);
            chunk.copy(this.body, this.bodyFilled, pos, pos + take);
          } else {
            this.pieces.push(chunk.subarray(pos, pos + take));
          }
          this.bodyFilled += take;
          pos += take;
          if (this.bodyFilled === this.size) {
            const body = this.body !== EMPTY ? this.body : Buffer.concat(this.pieces, this.size);
            this.body = EMPTY;
            this.pieces = [];
            this.bodyFilled = 0;
            this.finish(body);
          }
          break;
        }
      }
    }
  }

  private beginBody(size: number): void {
    if (this.maxFrameSize >= 0 && size > this.maxFrameSize) {
      throw new ZmtpProtocolError(`frame of ${size} octets exceeds the limit of ${this.maxFrameSize}`, "EMSGSIZE");
    }
    if (size > constants.MAX_LENGTH) {
      throw new ZmtpProtocolError(`frame of ${size} octets is larger than any buffer`, "EMSGSIZE");
    }
    this.size = size;
    this.bodyFilled = 0;
    this.state = State.Body;
    if (size === 0) this.finish(EMPTY);
  }

  private finish(body: Buffer): void {
    this.state = State.Flags;
    this.sink.onFrame(body, this.flags);
  }
}
