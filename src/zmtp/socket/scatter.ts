/**
 * SCATTER (RFC 49): PUSH for single-part messages. Round-robin over the
 * GATHER peers with room; send waits when none can take the message, and
 * fails EINVAL for more than one part. Never receives.
 */
import type { Message } from "../pipe.js";
import type { BalancedSocketOptions } from "./dealer.js";
import { SendingPipelineSocket } from "./pipeline.js";
import { refuseMultipart } from "./single-part.js";

/** A SCATTER socket (draft). */
export class Scatter extends SendingPipelineSocket {
  readonly socketType = "SCATTER";

  constructor(options?: BalancedSocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected override xsend(msg: Message): boolean {
    refuseMultipart(msg, "Scatter");
    return super.xsend(msg);
  }
}
