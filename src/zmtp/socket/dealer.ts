/**
 * DEALER (RFC 28 section "The DEALER Socket Type"): round-robin out over
 * peers with room (blocking when none), fair-queued in. No envelopes.
 */
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { LatestQueue } from "./latest-queue.js";
import { LoadBalancer } from "./load-balancer.js";
import { checkOptionType } from "../option-values.js";
import { Socket, type SocketOptions } from "./socket.js";

/** Options of the load-balancing sockets (Dealer, Push, Pull). */
export interface BalancedSocketOptions extends SocketOptions {
  conflate?: boolean;
}

/** Shared by the sockets that load-balance out and fair-queue in (DEALER, and PUSH/PULL halves). */
export abstract class BalancedSocket extends Socket {
  #conflate = false;
  /**
   * ZMQ_CONFLATE: keep only the newest message, both ways: a send replaces
   * what still waits for the peer (never blocking on the high-water mark),
   * and receive() gives each peer's newest message only. Write-only, as
   * in zeromq.js: reading it gives undefined.
   */
  set conflate(value: boolean) {
    checkOptionType("boolean", value);
    this.#conflate = value;
  }
  protected readonly lb = new LoadBalancer();
  protected readonly fq = new FairQueue();
  private readonly latest = new LatestQueue();

  protected xattach(pipe: Pipe): void {
    this.lb.add(pipe);
  }
  protected xdetach(pipe: Pipe): void {
    this.lb.remove(pipe);
    this.latest.remove(pipe);
  }
  protected xreadablePipe(pipe: Pipe): void {
    if (this.#conflate) this.latest.drain(pipe, () => true);
    else this.fq.activate(pipe);
  }
  protected xsend(msg: Message): boolean {
    if (!this.#conflate) return this.lb.send(msg);
    const pipe = this.lb.pickAny();
    if (!pipe) return false;
    pipe.replaceOut(msg);
    return true;
  }
  protected xrecv(): Message | undefined {
    return this.#conflate ? this.latest.recv() : this.fq.recv();
  }
  protected xreadable(): boolean {
    return this.#conflate ? this.latest.hasMessages : this.fq.hasMessages;
  }
  protected xwritable(): boolean {
    return this.#conflate ? this.lb.hasPipes : this.lb.hasRoom;
  }
}

/** A DEALER socket. */
export class Dealer extends BalancedSocket {
  readonly socketType = "DEALER";
  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }
}
