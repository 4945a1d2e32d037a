/**
 * The missing half of the one-way socket types (PUSH, PULL, SCATTER,
 * GATHER, RADIO, DISH): the operation libzmq refuses with ENOTSUP, and a
 * send-only socket's handling of whatever a rogue peer sends it.
 */
import { ZmqError } from "../errors.js";
import type { Pipe } from "../pipe.js";

/** ENOTSUP for receive() on a send-only socket, as libzmq's zmq_recv fails. */
export function cannotReceive(socketName: string): ZmqError {
  return new ZmqError("ENOTSUP", `a ${socketName} socket cannot receive`);
}

/** ENOTSUP for send() on a receive-only socket, as libzmq's zmq_send fails. */
export function cannotSend(socketName: string): ZmqError {
  return new ZmqError("ENOTSUP", `a ${socketName} socket cannot send`);
}

/** Discards what a peer of a send-only socket sent, so that reading from it never stalls. */
export function discardInput(pipe: Pipe): void {
  while (pipe.read() !== undefined);
}
