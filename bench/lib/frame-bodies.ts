/**
 * The per-message floor of raw node:net in the throughput cases (the
 * `sink-net` role's `frame` mode): fixed-size frames cut from a byte
 * stream, each body handed on as a Buffer of its own through `for await`.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/**
 * The bodies of fixed-size frames (`header` octets of header each) cut
 * from a byte stream, each a Buffer of its own, given out through
 * `for await` by a plain iterator (an async generator costs several
 * promises a step).
 */
export class FrameBodies implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private head = 0;
  /** The start of a frame the last chunk ended in. */
  private carry: Buffer | undefined;
  private waiting: ((r: IteratorResult<Buffer>) => void) | undefined;
  private ended = false;

  constructor(
    private readonly frame: number,
    private readonly header: number,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.carry !== undefined) {
      // Only the frame that spans two reads is copied.
      pos = this.frame - this.carry.length;
      const whole = Buffer.concat([this.carry, chunk.subarray(0, pos)]);
      this.carry = undefined;
      if (whole.length < this.frame) {
        this.carry = whole;
        return;
      }
      this.queue.push(whole.subarray(this.header));
    }
    for (; pos + this.frame <= chunk.length; pos += this.frame) this.queue.push(chunk.subarray(pos + this.header, pos + this.frame));
    if (pos < chunk.length) this.carry = Buffer.from(chunk.subarray(pos));
    const w = this.waiting;
    if (w !== undefined && this.head < this.queue.length) {
      this.waiting = undefined;
      w({ value: this.queue[this.head++]!, done: false });
    }
  }

  end(): void {
    this.ended = true;
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => {
        if (this.head < this.queue.length) return Promise.resolve({ value: this.queue[this.head++]!, done: false });
        this.queue.length = this.head = 0;
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((r) => (this.waiting = r));
      },
    };
  }
}
