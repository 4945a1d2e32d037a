/**
 * ZMQ_CONFLATE on the receiving side: of each peer's messages only the
 * newest is kept; peers with a message are served in turn. The pipe is
 * drained as messages arrive, so the bound is one message per peer instead
 * of the receive high-water mark.
 */
import type { Message, Pipe } from "../pipe.js";

/** The newest message of each peer, served round-robin. */
export class LatestQueue {
  /** Insertion order of a Map is the serving order; a refreshed peer keeps its turn. */
  private readonly latest = new Map<Pipe, Message>();

  /** Drains `pipe`, keeping its newest message that passes `accept`. */
  drain(pipe: Pipe, accept: (msg: Message) => boolean): void {
    let msg: Message | undefined;
    while ((msg = pipe.read()) !== undefined) if (accept(msg)) this.latest.set(pipe, msg);
  }

  /** Forgets a departed peer. */
  remove(pipe: Pipe): void {
    this.latest.delete(pipe);
  }

  get hasMessages(): boolean {
    return this.latest.size > 0;
  }

  /** The next peer's newest message. */
  recv(): Message | undefined {
    for (const [pipe, msg] of this.latest) {
      this.latest.delete(pipe);
      return msg;
    }
    return undefined;
  }
}
