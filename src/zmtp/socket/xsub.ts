/**
 * XSUB (RFC 29 section "The XSUB Socket Type"): subscribes by sending
 * `[0x01 + topic]` / `[0x00 + topic]` messages, receives everything its
 * publishers send (no filtering here). Other messages it sends go to every
 * publisher, dropped for one over its high-water mark.
 */
import type { Message } from "../pipe.js";
import { distribute } from "./distributor.js";
import { FanInSocket } from "./fan-in.js";
import type { SocketOptions } from "./socket.js";

/** An XSUB socket. */
export class XSubscriber extends FanInSocket {
  readonly socketType = "XSUB";
  protected readonly filters = false;

  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected xsend(msg: Message): boolean {
    const body = msg[0];
    if (msg.length === 1 && body !== undefined && body.length > 0 && body[0]! <= 1) {
      this.changeSubscription(body[0] === 1, body.subarray(1));
      return true;
    }
    const connected = [...this.publishers];
    return distribute(connected, msg, false);
  }

  protected xwritable(): boolean {
    return true;
  }
}
