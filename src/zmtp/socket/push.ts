/**
 * PUSH (RFC 30): round-robin over the downstream peers with room; send
 * waits when none can take the message (no peer, or all at their
 * high-water mark). Never receives.
 */
import type { BalancedSocketOptions } from "./dealer.js";
import { SendingPipelineSocket } from "./pipeline.js";

/** A PUSH socket. */
export class Push extends SendingPipelineSocket {
  readonly socketType = "PUSH";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }
}
