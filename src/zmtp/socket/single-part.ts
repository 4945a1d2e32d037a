/**
 * The rule of the thread-safe draft types (RFC 41 CLIENT/SERVER, RFC 49
 * SCATTER/GATHER, RFC 48 RADIO/DISH): a message is one part. Sending more
 * fails EINVAL, as libzmq refuses ZMQ_SNDMORE on them; a multipart message
 * from a peer is dropped whole, as libzmq's receive skips it, and the
 * connection stays.
 */
import { ZmqError } from "../errors.js";
import type { Message } from "../pipe.js";

/** Throws EINVAL for a message of more than one part. */
export function refuseMultipart(msg: Message, socketName: string): void {
  if (msg.length > 1) throw new ZmqError("EINVAL", `a ${socketName} socket sends single-part messages only (got ${msg.length} parts)`);
}

/** The next single-part message `next` gives, skipping multipart ones. */
export function nextSinglePart(next: () => Message | undefined): Message | undefined {
  let msg: Message | undefined;
  while ((msg = next()) !== undefined) if (msg.length === 1) return msg;
  return undefined;
}
