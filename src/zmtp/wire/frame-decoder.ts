/**
 * Incremental ZMTP frame decoder: RFC 23 section "Framing".
 *
 * An explicit state machine (flags, size, body) fed with chunks split
 * anywhere. A frame lying wholly inside one chunk is handed out as a slice of
 * that chunk (zero copy); only frames spanning chunks are assembled. Sizes are
 * checked against the limits before any body is buffered, and a large body is
 * gathered as it arrives rather than allocated from its declared size, so a
 * peer cannot make us reserve gigabytes with a 9-octet header.
 *
 * The limits ({@link FrameLimits}) bound whole messages, not single frames:
 * a message is its frames up to the first without MORE, and a peer could
 * otherwise send frames within the size limit forever, or empty frames by
 * the million, without ever ending the message its receiver must hold.
 * Commands (which never carry MORE) have a limit of their own.
 *
 * A reader that can choose where the next read lands (node:net's `onread`)
 * may ask for {@link FrameDecoder.directTarget} and read the rest of a large
 * body straight into its final buffer, with no copy of ours at all. That
 * buffer is allocated from the declared size before its octets arrive, so
 * every decoder of the thread shares one budget of such bodies
 * ({@link DIRECT_BUDGET}): past it, bodies are gathered as they arrive.
 *
 * A view keeps its whole chunk alive. A peer that sends one small message
 * per large read, the rest of the read being commands or anything else
 * dropped at once, would make each queued message hold tens of KiB: a
 * queue of 1,000 one-octet messages pinning 64 MB. So a large read whose
 * message frames fill less than a fraction of it ({@link PIN_RATIO}) has
 * them copied out instead: what a view may pin stays within a small
 * multiple of what it carries. The frame headers are walked once to tell,
 * stopping as soon as the read is dense enough, which for the usual
 * stream of messages is after an eighth of it.
 */
import { Buffer, constants } from "node:buffer";
import { bufferView } from "./buffer-view.js";
import { ZmtpProtocolError } from "./errors.js";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FLAG_RESERVED } from "./frame.js";

/** What the decoder accepts; -1 means no limit (other than what a Buffer can hold). */
export interface FrameLimits {
  /** Largest message: the sum of the bodies of its frames. */
  maxMessageSize: number;
  /** Most frames in one message. */
  maxMessageParts: number;
  /** Largest command body. */
  maxCommandSize: number;
}

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
/**
 * Every empty frame received (envelope delimiters: two per request-reply
 * round trip): nothing to view, and no octet anyone could change, so one
 * Buffer serves them all instead of a new view each.
 */
const EMPTY_FRAME = Buffer.alloc(0);
/** Spanning bodies up to this size get their buffer at once; larger ones are gathered piece by piece. */
const PREALLOCATE_LIMIT = 64 * 1024;
/** Reads shorter than this are handed out as views whatever they hold (a pool slab is 8 KiB too). */
const PIN_CHECK_MIN = 8 * 1024;
/** A read whose whole message frames fill less than 1/PIN_RATIO of it has them copied out. */
const PIN_RATIO = 8;

/**
 * The largest frame body ever accepted, whatever the limits: 4 GiB, Node's
 * Buffer limit on 64-bit hosts. Fixed rather than read from the runtime
 * alone, because some runtimes (Deno) report 2^53-1 there and would let a
 * peer announce a body no host can gather; a runtime whose buffers are
 * smaller still lowers it.
 */
export const FRAME_BODY_LIMIT = Math.min(2 ** 32, constants.MAX_LENGTH);

/**
 * The octets of large bodies allocated whole before they arrived, across
 * every decoder of the thread: what peers can make us reserve with headers
 * alone. 64 MiB is 64 connections each in the middle of a 1 MiB message.
 */
export const DIRECT_BUDGET = 64 * 1024 * 1024;
/** Octets of {@link DIRECT_BUDGET} held by bodies not yet complete. */
let directReserved = 0;

/** Octets of the direct-read budget held now (tests). */
export function directBudgetInUse(): number {
  return directReserved;
}

/** -1 (no limit) as a bound a size can be compared with. */
function bound(limit: number): number {
  return limit < 0 ? Infinity : limit;
}

/** Turns a byte stream into frames. */
export class FrameDecoder {
  private state = State.Flags;
  private flags = 0;
  private size = 0;
  /** The long size's octets received so far, as two 32-bit halves (no buffer per connection). */
  private sizeHigh = 0;
  private sizeLow = 0;
  private sizeFilled = 0;
  private body: Buffer = EMPTY;
  /** Received pieces of a body larger than PREALLOCATE_LIMIT (none held between such bodies). */
  private pieces: Buffer[] | undefined;
  private bodyFilled = 0;
  private limits!: FrameLimits;
  // The limits as plain bounds, and what is left of them for the message
  // being received: each frame costs a compare and a subtraction, no more.
  private maxMessageSize = Infinity;
  private maxMessageParts = Infinity;
  private maxCommandSize = Infinity;
  /** Octets the rest of the current message may still have. */
  private messageRoom = Infinity;
  /** Frames of the current message received so far (the one being read included). */
  private parts = 0;
  /**
   * Set by a reader that can read into {@link directTarget}: large bodies
   * are then allocated whole (within the budget) instead of gathered.
   */
  allowDirect = false;
  /** Octets of the budget the current body holds. */
  private reserved = 0;
  /** Set while the chunk being decoded is too sparse for its message frames to be views of it. */
  private compact = false;

  /**
   * @param sink receives each frame
   * @param maxFrameSize largest message (and command) accepted, or -1 for no
   *   limit; {@link setLimits} sets each limit on its own
   */
  constructor(
    private readonly sink: FrameSink,
    maxFrameSize = -1,
  ) {
    this.maxFrameSize = maxFrameSize;
  }

  /** The limit on messages and commands alike (-1: none); reading it gives the message limit. */
  get maxFrameSize(): number {
    return this.limits.maxMessageSize;
  }
  set maxFrameSize(limit: number) {
    this.setLimits({ maxMessageSize: limit, maxMessageParts: -1, maxCommandSize: limit });
  }

  /**
   * Sets the limits, from the next frame on (the engine raises them after
   * the handshake). A message partly received counts against the new ones.
   */
  setLimits(limits: FrameLimits): void {
    this.limits = { ...limits };
    const used = this.maxMessageSize - this.messageRoom;
    this.maxMessageSize = bound(limits.maxMessageSize);
    this.maxMessageParts = bound(limits.maxMessageParts);
    this.maxCommandSize = bound(limits.maxCommandSize);
    this.messageRoom = this.parts === 0 || Number.isNaN(used) ? this.maxMessageSize : this.maxMessageSize - used;
  }

  /** True when no partial frame is buffered. */
  get idle(): boolean {
    return this.state === State.Flags;
  }

  /** Feeds a chunk; throws {@link ZmtpProtocolError} on malformed input. */
  push(chunk: Buffer): void {
    const len = chunk.length;
    const ab = chunk.buffer;
    const base = chunk.byteOffset;
    this.compact = len >= PIN_CHECK_MIN && this.sparse(chunk);
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
          if ((flags & FLAG_COMMAND) === 0 && ++this.parts > this.maxMessageParts) {
            throw new ZmtpProtocolError(`message of more than ${this.limits.maxMessageParts} parts`, "EMSGSIZE");
          }
          this.flags = flags;
          pos++;
          // Fast path: a short frame wholly inside this chunk.
          if ((flags & FLAG_LONG) === 0 && pos < len) {
            const size = chunk[pos]!;
            if (pos + 1 + size <= len && size <= ((flags & FLAG_COMMAND) === 0 ? this.messageRoom : this.maxCommandSize)) {
              pos++;
              this.account(size, flags);
              this.sink.onFrame(size === 0 ? EMPTY_FRAME : this.keep(chunk, ab, base, pos, size), flags);
              pos += size;
              continue;
            }
          }
          this.state = (flags & FLAG_LONG) !== 0 ? State.LongSize : State.ShortSize;
          this.sizeFilled = this.sizeHigh = this.sizeLow = 0;
          break;
        }
        case State.ShortSize:
          this.beginBody(chunk[pos++]!);
          break;
        case State.LongSize: {
          // At most 8 octets per frame, one at a time: a header split
          // anywhere needs no assembly buffer.
          const b = chunk[pos++]!;
          if (this.sizeFilled++ < 4) this.sizeHigh = this.sizeHigh * 256 + b;
          else this.sizeLow = this.sizeLow * 256 + b;
          if (this.sizeFilled === 8) {
            const hi = this.sizeHigh;
            // Past 2^53 the size is not even a safe number, let alone a buffer.
            if (hi >= 0x200000) {
              throw new ZmtpProtocolError(`frame of ${(BigInt(hi) << 32n) + BigInt(this.sizeLow)} octets is larger than any buffer`, "EMSGSIZE");
            }
            this.beginBody(hi * 0x100000000 + this.sizeLow);
          }
          break;
        }
        case State.Body: {
          if (this.bodyFilled === 0 && len - pos >= this.size) {
            const end = pos + this.size;
            this.finish(this.keep(chunk, ab, base, pos, this.size));
            pos = end;
            break;
          }
          const take = Math.min(this.size - this.bodyFilled, len - pos);
          if (this.body !== EMPTY || this.allocateBody()) {
            chunk.copy(this.body, this.bodyFilled, pos, pos + take);
          } else {
            (this.pieces ??= []).push(chunk.subarray(pos, pos + take));
          }
          this.bodyFilled += take;
          pos += take;
          if (this.bodyFilled === this.size) this.completeBody();
          break;
        }
      }
    }
  }

  /** A frame body lying wholly inside `chunk` at `pos`: a view, or a copy when the chunk is sparse and the frame a message's. */
  private keep(chunk: Buffer, ab: ArrayBufferLike, base: number, pos: number, size: number): Buffer {
    if (!this.compact || (this.flags & FLAG_COMMAND) !== 0) return bufferView(ab, base + pos, size);
    const copy = Buffer.allocUnsafe(size);
    chunk.copy(copy, 0, pos, pos + size);
    return copy;
  }

  /**
   * True when the message frames wholly inside `chunk` (the ones that would
   * be views of it) fill less than 1/PIN_RATIO of it. Walks the frame
   * headers from the decoder's state, without changing it, until the
   * frames seen are enough; a frame that does not end in the chunk is
   * assembled in a buffer of its own and pins nothing.
   */
  private sparse(chunk: Buffer): boolean {
    const len = chunk.length;
    const enough = len / PIN_RATIO;
    let kept = 0;
    let pos = 0;
    let flags = this.flags;
    let size: number;
    // The frame in progress: the rest of its header, then its body.
    switch (this.state) {
      case State.Flags:
        size = -1;
        break;
      case State.ShortSize:
        size = chunk[pos++]!;
        break;
      case State.LongSize: {
        let hi = this.sizeHigh;
        let lo = this.sizeLow;
        for (let filled = this.sizeFilled; filled < 8; filled++) {
          if (filled < 4) hi = hi * 256 + chunk[pos++]!;
          else lo = lo * 256 + chunk[pos++]!;
        }
        size = hi * 0x100000000 + lo;
        break;
      }
      case State.Body:
        // Only a body not begun yet can be a view.
        size = this.bodyFilled === 0 ? this.size : -1;
        if (size < 0) pos = this.size - this.bodyFilled;
        break;
    }
    for (;;) {
      if (size >= 0) {
        if (pos + size > len) return kept < enough;
        if ((flags & FLAG_COMMAND) === 0) kept += size;
        pos += size;
      }
      if (kept >= enough || pos >= len) return kept < enough;
      flags = chunk[pos]!;
      if ((flags & FLAG_LONG) === 0) {
        if (pos + 2 > len) return kept < enough;
        size = chunk[pos + 1]!;
        pos += 2;
      } else {
        if (pos + 9 > len) return kept < enough;
        size = chunk.readUInt32BE(pos + 1) * 0x100000000 + chunk.readUInt32BE(pos + 5);
        pos += 9;
      }
    }
  }

  /**
   * Where the next octets may be read straight: the rest of a large body
   * that has its own buffer, or undefined. The reader then calls
   * {@link filled} instead of {@link push}.
   */
  directTarget(): Buffer | undefined {
    return this.state === State.Body && this.size > PREALLOCATE_LIMIT && this.body !== EMPTY
      ? this.body.subarray(this.bodyFilled)
      : undefined;
  }

  /** `n` octets were read into the buffer {@link directTarget} gave. */
  filled(n: number): void {
    if (this.state !== State.Body || this.body === EMPTY || n > this.size - this.bodyFilled) {
      throw new Error(`${n} octets read into a body that had room for ${this.size - this.bodyFilled}`);
    }
    this.bodyFilled += n;
    if (this.bodyFilled === this.size) this.completeBody();
  }

  /** Gives back the budget a body still held (the connection ended in its middle). */
  dispose(): void {
    directReserved -= this.reserved;
    this.reserved = 0;
    this.body = EMPTY;
    this.pieces = undefined;
  }

  /**
   * Gives the current body its own buffer if it may have one: always up to
   * PREALLOCATE_LIMIT; above it, for a direct reader, within the budget and
   * only before any piece was gathered.
   */
  private allocateBody(): boolean {
    const size = this.size;
    if (size > PREALLOCATE_LIMIT) {
      if (!this.allowDirect || this.pieces !== undefined || directReserved + size > DIRECT_BUDGET) return false;
      directReserved += size;
      this.reserved = size;
    }
    this.body = Buffer.allocUnsafe(size);
    return true;
  }

  private completeBody(): void {
    const body = this.body !== EMPTY ? this.body : Buffer.concat(this.pieces!, this.size);
    this.body = EMPTY;
    this.pieces = undefined;
    this.bodyFilled = 0;
    directReserved -= this.reserved;
    this.reserved = 0;
    this.finish(body);
  }

  private beginBody(size: number): void {
    if ((this.flags & FLAG_COMMAND) !== 0) {
      if (size > this.maxCommandSize) {
        throw new ZmtpProtocolError(`command of ${size} octets exceeds the limit of ${this.limits.maxCommandSize}`, "EMSGSIZE");
      }
    } else if (size > this.messageRoom) {
      const limit = this.limits.maxMessageSize;
      throw new ZmtpProtocolError(this.parts === 1
        ? `frame of ${size} octets exceeds the limit of ${limit}`
        : `message of at least ${limit - this.messageRoom + size} octets (${this.parts} parts) exceeds the limit of ${limit}`, "EMSGSIZE");
    }
    if (size > FRAME_BODY_LIMIT) {
      throw new ZmtpProtocolError(`frame of ${size} octets is larger than any buffer`, "EMSGSIZE");
    }
    this.size = size;
    this.bodyFilled = 0;
    this.state = State.Body;
    if (size === 0) this.finish(EMPTY);
  }

  private finish(body: Buffer): void {
    this.state = State.Flags;
    this.account(body.length, this.flags);
    this.sink.onFrame(body, this.flags);
  }

  /** Counts a whole frame against its message, before the sink sees it (the sink may change the limits). */
  private account(size: number, flags: number): void {
    if ((flags & FLAG_COMMAND) !== 0) return;
    if ((flags & FLAG_MORE) !== 0) {
      this.messageRoom -= size;
    } else {
      this.parts = 0;
      this.messageRoom = this.maxMessageSize;
    }
  }
}
