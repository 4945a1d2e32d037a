/**
 * GATHER (RFC 49): PULL for single-part messages. Fair-queues messages in
 * from the SCATTER peers, dropping any multipart message a peer sends, as
 * libzmq does. Never sends.
 */
import type { Message } from "../pipe.js";
import type { BalancedSocketOptions } from "./dealer.js";
import { ReceivingPipelineSocket } from "./pipeline.js";
import { nextSinglePart } from "./single-part.js";

/** A GATHER socket (draft). */
export class Gather extends ReceivingPipelineSocket {
  readonly socketType = "GATHER";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected override xrecv(): Message | undefined {
    return nextSinglePart(() => super.xrecv());
  }
}
