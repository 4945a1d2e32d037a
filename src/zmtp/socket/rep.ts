/**
 * REP (RFC 28 section "The REP Socket Type"): fair-queued requests; the
 * envelope (every frame up to and including the empty delimiter) is kept and
 * put back in front of the reply, which goes to the peer the request came
 * from, or nowhere if that peer has gone. A reply to a live peer whose queue
 * is full waits for room: dropping it would leave that peer's REQ waiting
 * forever.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { joinParts } from "../message.js";
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { Socket, type SocketOptions } from "./socket.js";

/** What a REP socket holds between replying and its next request (never written to). */
const NO_ENVELOPE: Buffer[] = [];

/** A REP socket. */
export class Reply extends Socket {
  readonly socketType = "REP";
  private readonly fq = new FairQueue();
  private replyTo: Pipe | undefined;
  private envelope: Buffer[] = NO_ENVELOPE;
  private replying = false;

  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected xattach(_pipe: Pipe): void {}
  protected xdetach(pipe: Pipe): void {
    // A reply blocked on this peer's full queue can now be dropped.
    if (pipe === this.replyTo) this.trySend();
  }
  protected xreadablePipe(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  protected xrecv(): Message | undefined {
    if (this.replying) {
      throw new ZmqError("EFSM");
    }
    let msg: Message | undefined;
    while ((msg = this.fq.recv()) !== undefined) {
      let delimiter = 0;
      while (delimiter < msg.length && msg[delimiter]!.length !== 0) delimiter++;
      if (delimiter === msg.length) continue; // no envelope: not a request
      this.envelope = msg.slice(0, delimiter + 1);
      this.replyTo = this.fq.lastPipe;
      this.replying = true;
      return msg.slice(delimiter + 1);
    }
    return undefined;
  }

  protected xsend(msg: Message): boolean {
    if (!this.replying) {
      throw new ZmqError("EFSM");
    }
    const pipe = this.replyTo;
    if (pipe && !pipe.detached && !pipe.writable) return false;
    this.replying = false;
    this.replyTo = undefined;
    // A reply to a peer that has gone is dropped.
    if (pipe && !pipe.detached) pipe.write(joinParts(this.envelope, msg));
    this.envelope = NO_ENVELOPE;
    return true;
  }

  protected xreadable(): boolean {
    return !this.replying && this.fq.hasMessages;
  }

  protected xwritable(): boolean {
    return this.replying;
  }
}
