/**
 * PUB (RFC 29 section "The PUB Socket Type"): sends each message to the
 * subscribers whose topics prefix its first frame, dropping it for a
 * subscriber over its high-water mark; never receives.
 */
import { ZmqError } from "../errors.js";
import type { Message } from "../pipe.js";
import { FanOutSocket } from "./fan-out.js";
import type { SocketOptions } from "./socket.js";

/** Options of a Publisher socket. */
export interface PublisherOptions extends SocketOptions {
  noDrop?: boolean;
  conflate?: boolean;
  invertMatching?: boolean;
  maxSubscriptionBytesPerPeer?: number;
  maxSubscriptionBytes?: number;
}

/** A PUB socket. */
export class Publisher extends FanOutSocket {
  readonly socketType = "PUB";
  protected readonly notifies = false;

  constructor(options?: PublisherOptions) {
    super(options);
    this.setOptions(options);
  }

  /**
   * A Publisher cannot receive: rejects with ENOTSUP, as libzmq's
   * zmq_recv does. (zeromq.js declares no receive() here; its inherited one
   * never settles.)
   */
  protected override xrecv(): Message | undefined {
    throw new ZmqError("ENOTSUP", "a Publisher socket cannot receive");
  }
}
