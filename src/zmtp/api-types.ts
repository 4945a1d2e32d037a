/**
 * The type helpers of zeromq.js v6's public surface (`SocketOptions<S>`,
 * `Options<T>`, `Readable`, `Writable`, `Message`), declared so that code
 * written against zeromq.js's declarations type-checks unchanged.
 */
import type { Buffer } from "node:buffer";
import type { Context } from "./context.js";
import type { MessageLike } from "./message.js";
import type { Options } from "./option-types.js";
import type { AnySocket, Socket } from "./socket/socket.js";

/** One message part as `receive()` gives it (a message is an array of them). */
export type Message = Buffer;

export type { Options, WritableKeys } from "./option-types.js";

/**
 * What the constructor of socket type `S` accepts, e.g.
 * `SocketOptions<Dealer>`: its options and the `context`.
 */
export type SocketOptions<S extends AnySocket = Socket> = Options<S, { context: Context }>;

/**
 * A socket that sends (the sending options and `send`); `O` is what send()
 * takes after the message (the draft types' routing id or group).
 */
export interface Writable<M extends MessageLike | MessageLike[] = MessageLike | MessageLike[], O extends [...object[]] = []> {
  /** ZMQ_SNDHWM: messages queued per peer before send blocks or drops; 0 = no limit. */
  sendHighWaterMark: number;
  /** ZMQ_SNDTIMEO: ms a blocked send waits before EAGAIN; -1 = forever, 0 = never. */
  sendTimeout: number;
  /** Queues a message (one part or an array of parts). */
  send(message: M, ...options: O): Promise<void>;
}

/** A socket that receives (the receiving options, `receive` and `for await`). */
export interface Readable<M extends object[] = Message[]> {
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses; 0 = no limit. */
  receiveHighWaterMark: number;
  /** ZMQ_RCVTIMEO: ms a receive waits before EAGAIN; -1 = forever, 0 = never. */
  receiveTimeout: number;
  /** Receives the next message as its parts. */
  receive(): Promise<M>;
  /** Receives messages until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>;
}

/** The options of `Router.connect()`. */
export interface RouterConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID: the routing id this router gives the peer. */
  routingId?: string | Buffer;
}
