/**
 * DEALER (RFC 28 section "The DEALER Socket Type"): round-robin out over
 * peers with room (blocking when none), fair-queued in. No envelopes.
 */
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { LoadBalancer } from "./load-balancer.js";
import { Socket, type SocketOptions } from "./socket.js";

/** Shared by the sockets that load-balance out and fair-queue in (DEALER, and PUSH/PULL halves). */
export abstract class BalancedSocket extends Socket {
  protected readonly lb = new LoadBalancer();
  protected readonly fq = new FairQueue();

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
    return this.lb.send(msg);
  }
  protected xrecv(): Message | undefined {
    return this.fq.recv();
  }
  protected xreadable(): boolean {
    return this.fq.hasMessages;
  }
  protected xwritable(): boolean {
    return this.lb.hasRoom;
  }
}

/** A DEALER socket. */
export class Dealer extends BalancedSocket {
  readonly socketType = "DEALER";
  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }
}
