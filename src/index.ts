/**
 * purezmq: ZeroMQ (ZMTP 3.1) in pure TypeScript over node:net, with the
 * socket API of the zeromq npm package v6.
 */
export { Context, defaultContext as context } from "./zmtp/context.js";
export { ZmqError, type ZmqErrorCode } from "./zmtp/errors.js";
export type { MessageLike } from "./zmtp/message.js";
export { Observer, type Event, type EventType } from "./zmtp/observer.js";
export type { Message } from "./zmtp/pipe.js";
export { Socket, type SocketOptions } from "./zmtp/socket/socket.js";
export { Dealer } from "./zmtp/socket/dealer.js";
export { Request, type RequestOptions } from "./zmtp/socket/req.js";
export { Reply } from "./zmtp/socket/rep.js";
export { Router, type RouterOptions } from "./zmtp/socket/router.js";
export { Pair } from "./zmtp/socket/pair.js";
export { ZmtpProtocolError, type ZmtpProtocolErrorCode } from "./zmtp/wire/errors.js";
