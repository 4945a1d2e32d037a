/**
 * SCATTER (RFC 49): PUSH for single-part messages. Round-robin over the
 * GATHER peers with room; send waits when none can take the message, and
 * fails EINVAL for more than one part. Never receives.
 */
import type { Message, Pipe } from "../pipe.js";
import { BalancedSocket, type BalancedSocketOptions } from "./dealer.js";
import { cannotReceive, discardInput } from "./one-way.js";
import { refuseMultipart } from "./single-part.js";

/** A SCATTER socket (draft). */
export class Scatter extends BalancedSocket {
  readonly socketType = "SCATTER";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected override xsend(msg: Message): boolean {
    refuseMultipart(msg, "Scatter");
    return super.xsend(msg);
  }

  /** A Scatter cannot receive: rejects with ENOTSUP, as libzmq's zmq_recv does. */
  protected override xrecv(): Message | undefined {
    throw cannotReceive("Scatter");
  }

  /** A GATHER peer sends nothing; whatever a rogue peer sends is discarded. */
  protected override xreadablePipe(pipe: Pipe): void {
    discardInput(pipe);
  }

  protected override xreadable(): boolean {
    return false;
  }
}
