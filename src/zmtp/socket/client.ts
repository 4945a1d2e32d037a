/**
 * CLIENT (RFC 41): single-part messages, round-robin out over the SERVER
 * peers with room (send waits when none can take one), fair-queued in.
 * Sending more than one part fails EINVAL; a multipart message from a peer
 * is dropped, as libzmq does.
 */
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { LoadBalancer } from "./load-balancer.js";
import { nextSinglePart, refuseMultipart } from "./single-part.js";
import { Socket, type SocketOptions } from "./socket.js";

/** A CLIENT socket (draft). */
export class Client extends Socket {
  readonly socketType = "CLIENT";
  private readonly lb = new LoadBalancer();
  private readonly fq = new FairQueue();

  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected xattach(pipe: Pipe): void {
    this.lb.add(pipe);
  }
  protected xdetach(pipe: Pipe): void {
    this.lb.remove(pipe);
  }
  protected xreadablePipe(pipe: Pipe): void {
    this.fq.activate(pipe);
  }
  protected xsend(msg: Message): boolean {
    refuseMultipart(msg, "Client");
    return this.lb.send(msg);
  }
  protected xrecv(): Message | undefined {
    return nextSinglePart(() => this.fq.recv());
  }
  protected xreadable(): boolean {
    return this.fq.hasMessages;
  }
  protected xwritable(): boolean {
    return this.lb.hasRoom;
  }
}
