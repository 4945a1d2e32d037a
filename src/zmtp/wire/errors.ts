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

/**
 * libzmq's name for a handshake that broke the protocol
 * (ZMQ_PROTOCOL_ERROR_ZMTP_*, or a ZAP reply's fault), which zeromq.js
 * gives as the code of a `handshake:error:protocol` event.
 */
export type ProtocolReason =
  | "ERR_ZMTP_UNSPECIFIED" | "ERR_ZMTP_UNEXPECTED_COMMAND" | "ERR_ZMTP_INVALID_SEQUENCE" | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED" | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE" | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE" | "ERR_ZMTP_MALFORMED_COMMAND_ERROR" | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME" | "ERR_ZMTP_INVALID_METADATA" | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH" | ZapReplyErrorCode | "ERR_ZAP_INVALID_METADATA";

/** What an error of one of our codes is in libzmq's terms, when the raise site does not say. */
function defaultReason(code: ZmtpProtocolErrorCode): ProtocolReason {
  if (code.startsWith("ERR_")) return code as ProtocolReason;
  // Our codes for a command out of turn and a peer of the wrong type.
  if (code === "EMECHANISM") return "ERR_ZMTP_UNEXPECTED_COMMAND";
  if (code === "ESOCKETTYPE") return "ERR_ZMTP_INVALID_METADATA";
  return "ERR_ZMTP_UNSPECIFIED";
}

/** A violation of ZMTP by the peer (or a limit we enforce on it). */
export class ZmtpProtocolError extends Error {
  override readonly name = "ZmtpProtocolError";
  /**
   * libzmq's name for it (`code` is ours, finer where libzmq has one name
   * for several faults): what a `handshake:error:protocol` event reports.
   */
  readonly reason: ProtocolReason;
  /**
   * @param options - `cause`, and `reason` where libzmq names the fault
   *   otherwise than our code's default (a malformed HELLO, a box that
   *   does not open...).
   */
  constructor(
    message: string,
    readonly code: ZmtpProtocolErrorCode = "EPROTO",
    options?: ErrorOptions & { reason?: ProtocolReason },
  ) {
    super(message, options);
    this.reason = options?.reason ?? defaultReason(code);
  }
}

/** An EPROTO error that libzmq names `reason`. */
export function malformed(message: string, reason: ProtocolReason): ZmtpProtocolError {
  return new ZmtpProtocolError(message, "EPROTO", { reason });
}
