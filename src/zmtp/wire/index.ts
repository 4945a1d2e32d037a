/**
 * `purezmq/wire`: the ZMTP 3.x wire protocol without I/O. Bytes in, frames,
 * commands and events out; nothing here touches a socket, a timer or a
 * promise, so it can be driven from a capture, a test or a fuzzer as well
 * as from a connection. Each piece follows its RFC section, named at the
 * head of its file:
 *
 * - greeting (RFC 23 "Version Negotiation"): {@link encodeGreeting},
 *   {@link GreetingReader};
 * - framing (RFC 23 "Framing"): {@link FrameDecoder} (a state machine fed
 *   chunks split anywhere, with limits checked before any body is held),
 *   {@link encodeFrame}, {@link FrameEncoder}, the `FLAG_*` octets;
 * - commands and metadata (RFC 23, RFC 37): {@link decodeCommand},
 *   {@link decodeProperties}, {@link decodeMetadata}, READY, ERROR, PING,
 *   PONG, SUBSCRIBE, CANCEL encoders and decoders;
 * - mechanisms as state machines driven through {@link MechanismPeer}:
 *   NULL (RFC 23), PLAIN (RFC 24, with libzmq 4.3's ERROR form), CURVE
 *   (RFC 26), with the CURVE commands' clear fields readable on their own.
 *
 * Every decoder throws {@link ZmtpProtocolError} (with a stable `code`) on
 * malformed input and bounds what a peer's lengths can make it hold. This
 * surface is semver-stable: what is not exported here is internal.
 *
 * @example Decoding one direction of a connection from a byte dump:
 * ```ts
 * import { FrameDecoder, GreetingReader, decodeCommand, FLAG_COMMAND } from "purezmq/wire";
 * const reader = new GreetingReader();
 * const done = reader.push(bytes);
 * if (done) {
 *   new FrameDecoder({
 *     onFrame(body, flags) {
 *       if (flags & FLAG_COMMAND) console.log(decodeCommand(body).name);
 *     },
 *   }).push(done.rest);
 * }
 * ```
 * @module
 */
export { ZmtpProtocolError, type ProtocolReason, type ZapReplyErrorCode, type ZmtpProtocolErrorCode } from "./errors.js";
export { GREETING_SIZE, GreetingReader, ZMTP_MAJOR, ZMTP_MINOR, encodeGreeting, type Greeting, type MechanismName } from "./greeting.js";
export { FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FLAG_RESERVED, SHORT_MAX } from "./frame.js";
export { FRAME_BODY_LIMIT, FrameDecoder, type FrameLimits, type FrameSink } from "./frame-decoder.js";
export { FrameEncoder, encodeFrame } from "./frame-encoder.js";
export {
  PING_CONTEXT_MAX, decodeCommand, decodeError, decodeMetadata, decodePing, decodeProperties, encodeCancel, encodeCommand,
  encodeError, encodeMetadata, encodePing, encodePong, encodeReady, encodeSubscribe,
  type Command, type Metadata, type Property,
} from "./command.js";
export { SOCKET_TYPE_NUMBER, compatibleSocketTypes, isThreadSafe, sendsIdentity, type SocketTypeName } from "./socket-type.js";
export type { FrameCipher, Mechanism, MechanismFactory, MechanismOptions, MechanismPeer } from "./mechanism.js";
export { NullMechanism, nullMechanism } from "./null-mechanism.js";
export {
  PLAIN_CREDENTIAL_MAX, PlainClientMechanism, PlainServerMechanism, ZmtpAuthError, decodeHello, decodeInitiate,
  decodePlainCommand, decodeWelcome, encodeHello, encodeInitiate, encodeLibzmqError, encodeWelcome, isLibzmqError,
  plainClientMechanism, plainServerMechanism, statusOfReason,
  type PlainAuthenticate, type PlainClientOptions, type PlainCredentials, type PlainServerOptions, type PlainVerdict, type ZapStatus,
} from "./plain-mechanism.js";
export { KEY_SIZE, generateKeyPair, importSecretKey, type KeyPair } from "./curve-crypto.js";
export {
  COOKIE_SIZE, HELLO_BOX_SIZE, HELLO_DATA_SIZE, HELLO_PADDING, INITIATE_DATA_MIN, LONG_NONCE_SIZE, MESSAGE_DATA_MIN,
  MESSAGE_HEADER_SIZE, READY_DATA_MIN, SHORT_NONCE_SIZE, VOUCH_SIZE, WELCOME_DATA_SIZE,
  decodeCurveHello, decodeCurveInitiate, decodeCurveSealed, decodeCurveWelcome, encodeCurveCommand,
  type CurveHello, type CurveInitiate, type CurveSealed, type CurveWelcome,
} from "./curve-commands.js";
export {
  CurveClientMechanism, CurveServerMechanism, curveClientMechanism, curveServerMechanism, type CurveKeyLog, type CurveSessionKeys,
  type CurveAuthenticate, type CurveClientOptions, type CurveServerOptions,
} from "./curve-mechanism.js";
export { GROUP_MAX_LENGTH, decodeGroupCommand, decodeGroupDatagram, encodeGroupCommand, encodeGroupDatagram } from "./group.js";
