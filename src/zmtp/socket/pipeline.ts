/**
 * The two halves of a pipeline (RFC 30 PUSH/PULL, RFC 49 SCATTER/GATHER)
 * over the load-balancing socket: the sending half never receives (its
 * peers send nothing, and what a rogue one sends is discarded so that
 * reading never stalls), the receiving half never sends.
 */
import type { Message, Pipe } from "../pipe.js";
import { BalancedSocket } from "./dealer.js";
import { cannotReceive, cannotSend, discardInput } from "./one-way.js";

/** The class name of a socket type, for messages: `PUSH` -> `Push`. */
function className(type: string): string {
  return type[0] + type.slice(1).toLowerCase();
}

/** PUSH and SCATTER: round-robin out, nothing in. */
export abstract class SendingPipelineSocket extends BalancedSocket {
  /**
   * Cannot receive: rejects with ENOTSUP, as libzmq's zmq_recv does.
   * (zeromq.js declares no receive() here; its inherited one never settles.)
   */
  protected override xrecv(): Message | undefined {
    throw cannotReceive(className(this.socketType));
  }

  protected override xreadablePipe(pipe: Pipe): void {
    discardInput(pipe);
  }

  protected override xreadable(): boolean {
    return false;
  }
}

/** PULL and GATHER: fair-queued in, nothing out. */
export abstract class ReceivingPipelineSocket extends BalancedSocket {
  /** Cannot send: rejects with ENOTSUP, as libzmq's zmq_send does. */
  protected override xsend(_msg: Message): boolean {
    throw cannotSend(className(this.socketType));
  }

  protected override xwritable(): boolean {
    return false;
  }
}
