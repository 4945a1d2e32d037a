/**
 * Errors of the socket API, shaped as zeromq.js shapes them (an Error with
 * `code`, `errno` and, for endpoint errors, `address`; the message is the
 * text zeromq.js/libzmq give for the code) so that code written for it
 * keeps working.
 */
import { constants } from "node:os";

/** Stable error codes. */
export type ZmqErrorCode =
  | "EAGAIN" | "EFSM" | "EHOSTUNREACH" | "EBUSY" | "EBADF" | "ENOTSOCK" | "EINVAL" | "EPROTONOSUPPORT"
  | "EADDRINUSE" | "EADDRNOTAVAIL" | "ENOENT" | "ENODEV" | "ENOTSUP" | "ETERM" | "EACCES" | "ETIMEDOUT" | "EPROTO"
  | "EMSGSIZE" | "ECONNREFUSED" | "ENOCOMPATPROTO";

/** libzmq numbers its own errors from this base (ZMQ_HAUSNUMERO). */
const HAUSNUMERO = 156384712;

/** The errno of the libzmq-specific codes; the others are the platform's. */
const ZMQ_ERRNO: Partial<Record<ZmqErrorCode, number>> = {
  EFSM: HAUSNUMERO + 51,
  ENOCOMPATPROTO: HAUSNUMERO + 52,
  ETERM: HAUSNUMERO + 53,
};

/**
 * The message zeromq.js gives for each code: its own wording for a few,
 * libzmq's zmq_strerror for the rest (its own text for its codes and
 * EHOSTUNREACH, the C library's on Linux otherwise).
 */
export const ERROR_TEXT: Readonly<Record<ZmqErrorCode, string>> = {
  EAGAIN: "Operation was not possible or timed out",
  EFSM: "Operation cannot be accomplished in current state",
  EHOSTUNREACH: "Host unreachable",
  EBUSY: "Socket is busy",
  EBADF: "Socket is closed",
  ENOTSOCK: "Socket operation on non-socket",
  EINVAL: "Invalid argument",
  EPROTONOSUPPORT: "Protocol not supported",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ENOENT: "No such endpoint",
  ENODEV: "No such device",
  ENOTSUP: "Operation not supported",
  ETERM: "Context was terminated",
  EACCES: "Permission denied",
  ETIMEDOUT: "Connection timed out",
  EPROTO: "Protocol error",
  EMSGSIZE: "Message too long",
  ECONNREFUSED: "Connection refused",
  ENOCOMPATPROTO: "The protocol is not compatible with the socket type",
};

/** The operating system's number for `code` (Linux numbers on Linux), if it has one. */
export function systemErrno(code: string): number | undefined {
  return (constants.errno as Record<string, number | undefined>)[code];
}

/** The errno zeromq.js reports for `code` (libzmq's own numbers, or the platform's). */
export function errnoOf(code: ZmqErrorCode): number {
  return ZMQ_ERRNO[code] ?? systemErrno(code) ?? 0;
}

/**
 * An error from a socket operation. Its `name` is "Error", as zeromq.js's
 * errors are plain Errors; `instanceof ZmqError` still tells them apart.
 */
export class ZmqError extends Error {
  /** The number zeromq.js reports with the code (Linux numbers on Linux). */
  readonly errno: number;
  /** The endpoint concerned, for bind/connect/unbind/disconnect errors. */
  declare readonly address?: string;

  /**
   * @param code - the stable code to test for (`err.code === "EAGAIN"`).
   * @param message - what happened; zeromq.js's text for the code when omitted.
   * @param address - the endpoint concerned, when there is one.
   */
  constructor(
    readonly code: ZmqErrorCode,
    message: string = ERROR_TEXT[code],
    address?: string,
  ) {
    super(message);
    this.errno = errnoOf(code);
    // Only endpoint errors carry the key at all, as in zeromq.js.
    if (address !== undefined) Object.defineProperty(this, "address", { value: address, enumerable: true });
  }
}

/** The error of an operation on a closed socket (zeromq.js: EBADF, "Socket is closed"). */
export function closedError(): ZmqError {
  return new ZmqError("EBADF");
}
