/**
 * PULL (RFC 30): fair-queues messages in from the upstream peers. Never
 * sends.
 */
import { cannotSend } from "./one-way.js";
import type { Message } from "../pipe.js";
import { BalancedSocket, type BalancedSocketOptions } from "./dealer.js";

/** A PULL socket. */
export class Pull extends BalancedSocket {
  readonly socketType = "PULL";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }

  /** A Pull cannot send: rejects with ENOTSUP, as libzmq's zmq_send does. */
  protected override xsend(_msg: Message): boolean {
    throw cannotSend("Pull");
  }

  protected override xwritable(): boolean {
    return false;
  }
}
