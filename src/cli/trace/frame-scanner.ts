/**
 * A bounded streaming reader of length-prefixed frames, for the tracer.
 *
 * The sockets' decoders hand out whole frames, so they hold a frame's body
 * until its last octet arrives: right for a peer that wants the frame,
 * wrong for an observer of untrusted traffic. The scanner reads each header,
 * keeps only as many leading octets of the body as its owner asks for, and
 * counts the rest as it passes, so its memory does not depend on what the
 * peers send. A header that cannot be read is the only thing that ends it:
 * past a broken header, frame boundaries are unknown.
 */
import { Buffer } from "node:buffer";

/** The framing of one protocol: how long a header is and what it says. */
export interface FrameFormat<H> {
  /** Octets of the header, given its first octet. */
  headerSize(first: number): number;
  /**
   * Reads a complete header; throws when it is broken (the stream cannot be
   * followed past it).
   */
  readHeader(header: Buffer): { header: H; size: number };
}

/** A frame read by the scanner. */
export interface ScannedFrame<H> {
  header: H;
  /** The body's size on the wire. */
  size: number;
  /** Its first octets, as many as were asked for (all of them when `kept.length === size`). */
  kept: Buffer;
}

/** Longest header of the protocols read (ZMTP's long form is 9 octets). */
const MAX_HEADER = 16;
const EMPTY = Buffer.alloc(0);

/** Follows the frames of one direction of a stream. */
export class FrameScanner<H> {
  private readonly headerBuf = Buffer.alloc(MAX_HEADER);
  private headerFilled = 0;
  private headerSize = 0;
  private inBody = false;
  private header!: H;
  private size = 0;
  private seen = 0;
  private kept: Buffer = EMPTY;
  private keep = 0;

  /**
   * @param format - the protocol's framing.
   * @param keepOf - how many leading body octets to keep for a frame, decided from its header.
   * @param onFrame - receives each frame once its last octet has passed.
   */
  constructor(
    private readonly format: FrameFormat<H>,
    private readonly keepOf: (header: H, size: number) => number,
    private readonly onFrame: (frame: ScannedFrame<H>) => void,
  ) {}

  /** Reads the next octets; throws what `readHeader` throws. */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.inBody) {
        if (this.headerFilled === 0) this.headerSize = this.format.headerSize(chunk[pos]!);
        const take = Math.min(this.headerSize - this.headerFilled, chunk.length - pos);
        chunk.copy(this.headerBuf, this.headerFilled, pos, pos + take);
        this.headerFilled += take;
        pos += take;
        if (this.headerFilled < this.headerSize) return;
        this.headerFilled = 0;
        const { header, size } = this.format.readHeader(this.headerBuf.subarray(0, this.headerSize));
        this.begin(header, size);
        continue;
      }
      const take = Math.min(this.size - this.seen, chunk.length - pos);
      const keepNow = Math.min(take, this.keep - this.seen);
      // Copied, not sliced: a slice would pin the whole receive chunk.
      if (keepNow > 0) chunk.copy(this.kept, this.seen, pos, pos + keepNow);
      this.seen += take;
      pos += take;
      if (this.seen === this.size) this.end();
    }
  }

  private begin(header: H, size: number): void {
    this.header = header;
    this.size = size;
    this.seen = 0;
    this.keep = Math.min(size, Math.max(0, this.keepOf(header, size)));
    this.kept = this.keep > 0 ? Buffer.allocUnsafe(this.keep) : EMPTY;
    this.inBody = true;
    if (size === 0) this.end();
  }

  private end(): void {
    this.inBody = false;
    const frame = { header: this.header, size: this.size, kept: this.kept };
    this.kept = EMPTY;
    this.onFrame(frame);
  }
}
