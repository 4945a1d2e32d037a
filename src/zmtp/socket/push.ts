/**
 * PUSH (RFC 30): round-robin over the downstream peers with room; send
 * waits when none can take the message (no peer, or all at their
 * high-water mark). Never receives.
 */
import { cannotReceive, discardInput } from "./one-way.js";
import type { Message, Pipe } from "../pipe.js";
import { BalancedSocket, type BalancedSocketOptions } from "./dealer.js";

/** A PUSH socket. */
export class Push extends BalancedSocket {
  readonly socketType = "PUSH";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }

  /**
   * A Push cannot receive: rejects with ENOTSUP, as libzmq's zmq_recv does.
   * (zeromq.js declares no receive() here; its inherited one never settles.)
   */
  protected override xrecv(): Message | undefined {
    throw cannotReceive("Push");
  }

  /** A PULL peer sends nothing; whatever a rogue peer sends is discarded so reading never stalls. */
  protected override xreadablePipe(pipe: Pipe): void {
    discardInput(pipe);
  }

  protected override xreadable(): boolean {
    return false;
  }
}
