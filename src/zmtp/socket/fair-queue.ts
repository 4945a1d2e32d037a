/**
 * Fair-queueing over the pipes that have messages (RFC 28 section
 * "Fair-queueing"): each ready pipe gives one message in turn. Pipes wait in
 * a rotating queue, so picking the next one costs O(1) whatever the number
 * of peers.
 */
import { Queue } from "../queue.js";
import type { Message, Pipe } from "../pipe.js";

export class FairQueue {
  private readonly ready = new Queue<Pipe>();
  /** The pipe the last message came from. */
  lastPipe: Pipe | undefined;

  /** A pipe has messages (called when its receive queue becomes non-empty). */
  activate(pipe: Pipe): void {
    // A flag on the pipe, not a Set: this runs each time a peer's queue stops being empty.
    if (pipe.fairQueued) return;
    pipe.fairQueued = true;
    this.ready.push(pipe);
  }

  /** True when some pipe has a message. */
  get hasMessages(): boolean {
    for (const p of this.ready) if (p.inLength > 0) return true;
    return false;
  }

  /** The next message, round-robin over the pipes. */
  recv(): Message | undefined {
    let pipe: Pipe | undefined;
    while ((pipe = this.ready.peek()) !== undefined) {
      const msg = pipe.read();
      if (msg === undefined) {
        this.ready.shift();
        pipe.fairQueued = false;
        continue;
      }
      if (pipe.inLength === 0) {
        this.ready.shift();
        pipe.fairQueued = false;
      } else if (this.ready.length > 1) {
        // Rotate only when another pipe waits: one busy peer, the usual
        // case, costs no queue traffic per message.
        this.ready.push(this.ready.shift()!);
      }
      this.lastPipe = pipe;
      return msg;
    }
    return undefined;
  }
}
