/**
 * Errors raised by the sans-I/O wire layer. Every malformed input from the
 * network becomes a {@link ZmtpProtocolError}; nothing else escapes a decoder.
 */

/** Stable codes carried by {@link ZmtpProtocolError}. */
export type ZmtpProtocolErrorCode =
  /** Malformed greeting, frame or command. */
  | "EPROTO"
  /** A frame or message larger than `maxMessageSize`. */
  | "EMSGSIZE"
  /** The peer speaks another security mechanism, or breaks its handshake. */
  | "EMECHANISM"
  /** The peer's socket type may not talk to ours. */
  | "ESOCKETTYPE"
  /** The peer refused our credentials, or we refused theirs. */
  | "EACCES"
  /** The peer sent an ERROR command. */
  | "EPEERERROR"
  /** The peer stayed silent past a handshake, heartbeat or idle deadline. */
  | "ETIMEDOUT"
  /** The peer holds as much as a bound allows (subscriptions) and asked for more. */
  | "ENOBUFS"
  /**
   * Not the peer's fault: handling its input failed on our side (a bug).
   * The connection ends, and reconnection goes on.
   */
  | "EINTERNAL";

/** A violation of ZMTP by the peer (or a limit we enforce on it). */
export class ZmtpProtocolError extends Error {
  override readonly name = "ZmtpProtocolError";
  constructor(
    message: string,
    readonly code: ZmtpProtocolErrorCode = "EPROTO",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
