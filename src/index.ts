/**
 * purezmq: ZeroMQ (ZMTP 3.1) in pure TypeScript over node:net, with the
 * socket API of the zeromq npm package v6: the same exports, classes,
 * options and types, so that code written for zeromq.js switches by
 * changing its import.
 *
 * @module purezmq
 */
import "./zmtp/socket/by-type.js";

export { capability, version } from "./zmtp/capability.js";
export { Context, defaultContext as context } from "./zmtp/context.js";
export type { Message, Options, Readable, RouterConnectOptions, SocketOptions, Writable } from "./zmtp/api-types.js";
export { ZmqError, type ZmqErrorCode } from "./zmtp/errors.js";
export type {
  AuthError,
  ErrnoError,
  Event,
  EventAddress,
  EventError,
  EventFor,
  EventInterval,
  EventOfType,
  EventSubscriber,
  EventType,
  ProtoError,
} from "./zmtp/events.js";
export type { MessageLike } from "./zmtp/message.js";
export { Observer } from "./zmtp/observer.js";
export { Socket } from "./zmtp/socket/socket.js";
export { Dealer, type BalancedSocketOptions } from "./zmtp/socket/dealer.js";
export { Request, type RequestOptions } from "./zmtp/socket/req.js";
export { Reply } from "./zmtp/socket/rep.js";
export { Router, type RouterOptions } from "./zmtp/socket/router.js";
export { Pair } from "./zmtp/socket/pair.js";
export { ZmtpProtocolError, type ZmtpProtocolErrorCode } from "./zmtp/wire/errors.js";
export type { SocketTypeName } from "./zmtp/wire/socket-type.js";
export { ZAP_ENDPOINT, type Authenticator, type ZapRequest, type ZapResponse } from "./zmtp/security/zap.js";
export type { ZapStatus } from "./zmtp/wire/plain-mechanism.js";
export { plainAuthenticator, type PlainAuthenticatorOptions } from "./zmtp/security/plain-authenticator.js";
export { curveAuthenticator, type CurveAuthenticatorOptions } from "./zmtp/security/curve-authenticator.js";
export { curveKeyPair, type CurveKeyPair } from "./zmtp/security/curve-keys.js";
export { z85 } from "./zmtp/security/z85.js";
export { Publisher, type PublisherOptions } from "./zmtp/socket/pub.js";
export { Subscriber, type SubscriberOptions } from "./zmtp/socket/sub.js";
export { XPublisher, type XPublisherOptions, type Verbosity } from "./zmtp/socket/xpub.js";
export { XSubscriber } from "./zmtp/socket/xsub.js";
export { Push } from "./zmtp/socket/push.js";
export { Pull } from "./zmtp/socket/pull.js";
export { Stream, type StreamConnectOptions, type StreamOptions } from "./zmtp/socket/stream.js";
export { Proxy } from "./zmtp/proxy.js";
export type { ByteReader, ByteSink, ByteSource, ByteWriter, StreamAddress, StreamConnect, StreamSocket } from "./zmtp/transport/stream-connect.js";
