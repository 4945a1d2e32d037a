/**
 * GATHER (RFC 49): PULL for single-part messages. Fair-queues messages in
 * from the SCATTER peers, dropping any multipart message a peer sends, as
 * libzmq does. Never sends.
 */
import type { Message } from "../pipe.js";
import { BalancedSocket, type BalancedSocketOptions } from "./dealer.js";
import { cannotSend } from "./one-way.js";
import { nextSinglePart } from "./single-part.js";

/** A GATHER socket (draft). */
export class Gather extends BalancedSocket {
  readonly socketType = "GATHER";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected override xrecv(): Message | undefined {
    return nextSinglePart(() => super.xrecv());
  }

  /** A Gather cannot send: rejects with ENOTSUP, as libzmq's zmq_send does. */
  protected override xsend(_msg: Message): boolean {
    throw cannotSend("Gather");
  }

  protected override xwritable(): boolean {
    return false;
  }
}
