/**
 * PULL (RFC 30): fair-queues messages in from the upstream peers. Never
 * sends.
 */
import type { BalancedSocketOptions } from "./dealer.js";
import { ReceivingPipelineSocket } from "./pipeline.js";

/** A PULL socket. */
export class Pull extends ReceivingPipelineSocket {
  readonly socketType = "PULL";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }
}
