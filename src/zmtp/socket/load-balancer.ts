/**
 * Round-robin over the pipes that can take a message (RFC 28 section
 * "Round-robin", RFC 30): a full pipe is skipped; when every pipe is full
 * the caller blocks.
 */
import type { Message, Pipe } from "../pipe.js";

export class LoadBalancer {
  private readonly pipes: Pipe[] = [];
  private next = 0;

  add(pipe: Pipe): void {
    this.pipes.push(pipe);
  }

  remove(pipe: Pipe): void {
    const i = this.pipes.indexOf(pipe);
    if (i < 0) return;
    this.pipes.splice(i, 1);
    if (this.next > i) this.next--;
    if (this.next >= this.pipes.length) this.next = 0;
  }

  /** The next pipe whatever its room (conflating sockets), advancing the rotation. */
  pickAny(): Pipe | undefined {
    const n = this.pipes.length;
    if (n === 0) return undefined;
    const pipe = this.pipes[this.next]!;
    this.next = this.next + 1 === n ? 0 : this.next + 1;
    return pipe;
  }

  /** The next pipe with room, advancing the rotation; undefined if none. */
  pick(): Pipe | undefined {
    const n = this.pipes.length;
    for (let i = 0; i < n; i++) {
      const pipe = this.pipes[this.next]!;
      this.next = this.next + 1 === n ? 0 : this.next + 1;
      if (pipe.writable) return pipe;
    }
    return undefined;
  }

  /** True when there is any pipe at all. */
  get hasPipes(): boolean {
    return this.pipes.length > 0;
  }

  /** True when some pipe has room. */
  get hasRoom(): boolean {
    return this.pipes.some((p) => p.writable);
  }

  /** Sends to the next pipe with room; false when all are full (or none). */
  send(msg: Message): boolean {
    const pipe = this.pick();
    if (!pipe) return false;
    pipe.write(msg);
    return true;
  }
}
