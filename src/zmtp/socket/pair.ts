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
    if (this.pipe === pipe) this.pipe = undefined;
  }
  protected xreadablePipe(_pipe: Pipe): void {}
  protected xsend(msg: Message): boolean {
    if (!this.pipe?.writable) return false;
    this.pipe.write(msg);
    return true;
  }
  protected xrecv(): Message | undefined {
    return this.pipe?.read();
  }
  protected xreadable(): boolean {
    return (this.pipe?.inLength ?? 0) > 0;
  }
  protected xwritable(): boolean {
    return this.pipe?.writable ?? false;
  }
}
