/**
 * Errors of the socket API, with the `code` values zeromq.js uses so that
 * code written for it keeps working.
 */

/** Stable error codes. */
export type ZmqErrorCode =
  | "EAGAIN" | "EFSM" | "EHOSTUNREACH" | "EBUSY" | "ENOTSOCK" | "EINVAL" | "EPROTONOSUPPORT"
  | "EADDRINUSE" | "EADDRNOTAVAIL" | "ENOENT" | "ENOTSUP" | "ETERM" | "EACCES" | "ETIMEDOUT" | "EPROTO"
  | "EMSGSIZE" | "ECONNREFUSED";

/** An error from a socket operation. */
export class ZmqError extends Error {
  override readonly name = "ZmqError";
  /**
   * @param code - the stable code to test for (`err.code === "EAGAIN"`).
   * @param message - what happened, for a person.
   * @param address - the endpoint concerned, when there is one.
   */
  constructor(
    readonly code: ZmqErrorCode,
    message: string,
    readonly address?: string,
  ) {
    super(message);
  }
}
