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
  /** The peer breaks its mechanism's handshake. */
  | "EMECHANISM"
  /**
   * The peer's greeting names another security mechanism: libzmq's name
   * for it, which zeromq.js reports as the code of `handshake:error:protocol`.
   */
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  /** The peer's socket type may not talk to ours. */
  | "ESOCKETTYPE"
  /** The peer refused our credentials, or we refused theirs. */
  | "EACCES"
  /** The peer sent an ERROR command. */
  | "EPEERERROR"
  /** The peer stayed silent past a handshake, heartbeat or idle deadline. */
  | "ETIMEDOUT"
  /** The peer closed the connection before the handshake completed. */
  | "EPIPE"
  /** The peer (or the network) reset the connection before the handshake completed. */
  | "ECONNRESET"
  /** The peer holds as much as a bound allows (subscriptions) and asked for more. */
  | "ENOBUFS"
  /**
   * Not the peer's fault: handling its input failed on our side (a bug).
   * The connection ends, and reconnection goes on.
   */
  | "EINTERNAL"
  /**
   * The ZAP handler's reply was malformed (RFC 27): named as libzmq names
   * these, since zeromq.js reports them as the error code of a server's
   * `handshake:error:protocol` event.
   */
  | ZapReplyErrorCode;

/** Why a ZAP reply was refused: wrong frame count, delimiter, version, request id or status code. */
export type ZapReplyErrorCode =
  | "ERR_ZAP_MALFORMED_REPLY" | "ERR_ZAP_UNSPECIFIED" | "ERR_ZAP_BAD_VERSION" | "ERR_ZAP_BAD_REQUEST_ID" | "ERR_ZAP_INVALID_STATUS_CODE";

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
