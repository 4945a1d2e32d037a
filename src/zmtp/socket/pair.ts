/**
 * PAIR (RFC 31): exactly one peer; sending blocks while it is absent or
 * full. A second peer is refused.
 */
import type { Message, Pipe } from "../pipe.js";
import { Socket, type SocketOptions } from "./socket.js";

/** A PAIR socket. */
export class Pair extends Socket {
  readonly socketType = "PAIR";
  private pipe: Pipe | undefined;
  /**
   * The last peer's pipe, gone with messages still unread: they are read
   * before any new peer's, as libzmq delivers what arrived before a
   * disconnect.
   */
  private leftover: Pipe | undefined;

  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected xattach(pipe: Pipe): void {
    this.pipe ??= pipe;
  }
  protected override xhandshake(pipe: Pipe): string | undefined {
    return pipe === this.pipe ? undefined : "a PAIR socket takes one peer only";
  }
  protected xdetach(pipe: Pipe): void {
    if (this.pipe !== pipe) return;
    this.pipe = undefined;
    // One gone peer's messages are kept, the first's: a peer that follows
    // it and goes too before they are read loses its own (libzmq would
    // not have taken that peer at all), and what is held stays bounded.
    if (pipe.inLength > 0 && !this.leftover) this.leftover = pipe;
  }
  protected xreadablePipe(_pipe: Pipe): void {}
  protected xsend(msg: Message): boolean {
    if (!this.pipe?.writable) return false;
    this.pipe.write(msg);
    return true;
  }
  protected xrecv(): Message | undefined {
    if (this.leftover) {
      const msg = this.leftover.read();
      if (this.leftover.inLength === 0) this.leftover = undefined;
      if (msg) return msg;
    }
    return this.pipe?.read();
  }
  protected xreadable(): boolean {
    return (this.leftover?.inLength ?? 0) > 0 || (this.pipe?.inLength ?? 0) > 0;
  }
  protected xwritable(): boolean {
    return this.pipe?.writable ?? false;
  }
}
