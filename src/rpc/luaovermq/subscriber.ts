/**
 * RpcSubscriber: LuaOverMQ's SUB side. It receives `[topic, msgpack(value)]`
 * messages from an {@link RpcPublisher}, a LuaOverMQ PUB or any ZeroMQ PUB
 * that writes this form, filtered by topic prefix on the first frame.
 *
 * A message that does not decode (not two frames, or bad msgpack) is
 * skipped: the stream of values stays well-typed and one bad publisher
 * cannot stop a consumer's loop. Such messages are counted in
 * {@link RpcSubscriber.malformed} and handed to the `onMalformed` option
 * with the reason, for logging.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Message } from "../../zmtp/pipe.js";
import { decodePublish } from "./codec.js";
import { RpcProtocolError } from "../codec/errors.js";
import { RpcClosedError } from "../errors.js";
import { DEFAULT_MAX_MESSAGE_BYTES, withMaxMessageSize } from "../message-size.js";
import { SubscriptionChannel, type SubscriptionChannelOptions } from "../subscription-channel.js";

/** One received publication. */
export interface RpcMessage<T = unknown> {
  /** The topic frame as UTF-8 text. */
  readonly topic: string;
  /** The topic frame as received (for binary topics). */
  readonly topicBytes: Buffer;
  /** The decoded msgpack value. */
  readonly value: T;
}

/** Options of {@link RpcSubscriber}. */
export interface RpcSubscriberOptions extends SubscriptionChannelOptions {
  /**
   * Options of the underlying SUB socket (zeromq.js names). Its
   * `maxMessageSize` bounds the publications: 16 MiB by default; -1 for
   * no bound.
   */
  readonly socket?: SubscriptionChannelOptions["socket"];
  /**
   * Called for each message that does not decode (it is then skipped):
   * the codec's error and the raw frames.
   */
  readonly onMalformed?: (error: RpcProtocolError, message: Message) => void;
}

/** Receives msgpack values published under topics. */
export class RpcSubscriber<T = unknown> implements AsyncIterable<RpcMessage<T>> {
  readonly #channel: SubscriptionChannel;
  readonly #onMalformed: RpcSubscriberOptions["onMalformed"];
  #malformed = 0;

  /**
   * @param options - PLAIN credentials (the publisher is the server), the
   *   silence watchdog, `onMalformed` and socket options.
   */
  constructor(options: RpcSubscriberOptions = {}) {
    this.#channel = new SubscriptionChannel({ ...options, socket: withMaxMessageSize(DEFAULT_MAX_MESSAGE_BYTES, options.socket) });
    this.#onMalformed = options.onMalformed;
  }

  /** Connects to a publisher. Chainable. */
  connect(address: string): this {
    this.#channel.connect(address);
    return this;
  }

  /** Listens for publishers that connect. */
  async bind(address: string): Promise<void> {
    await this.#channel.bind(address);
  }

  /** The last endpoint bound, with the real port. */
  get endpoint(): string | null {
    return this.#channel.endpoint;
  }

  /**
   * Receives the messages whose topic starts with one of `prefixes`
   * (strings as UTF-8, or octets); with none, every message. Chainable.
   */
  subscribe(...prefixes: Array<string | Uint8Array>): this {
    this.#channel.subscribe(...prefixes);
    return this;
  }

  /** Cancels one earlier subscription to each prefix (with none, to every message). Chainable. */
  unsubscribe(...prefixes: Array<string | Uint8Array>): this {
    this.#channel.unsubscribe(...prefixes);
    return this;
  }

  /**
   * The next publication that decodes (undecodable ones are skipped, see the
   * module comment). One call at a time.
   *
   * @throws RpcClosedError once closed; ZmqError `EACCES` when the
   *   publisher refused our PLAIN credentials.
   */
  async receive(): Promise<RpcMessage<T>> {
    for (;;) {
      const message = await this.#channel.receive();
      let decoded;
      try {
        decoded = decodePublish(message);
      } catch (err) {
        if (!(err instanceof RpcProtocolError)) throw err;
        this.#malformed++;
        this.#onMalformed?.(err, message);
        continue;
      }
      return { topic: decoded.topic.toString("utf8"), topicBytes: decoded.topic, value: decoded.value as T };
    }
  }

  /** Yields publications until the subscriber is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<RpcMessage<T>> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (err) {
        if (err instanceof RpcClosedError) return;
        throw err;
      }
    }
  }

  /** Messages skipped because they did not decode. */
  get malformed(): number {
    return this.#malformed;
  }

  /** How many times the silence watchdog recreated the socket. */
  get recreations(): number {
    return this.#channel.recreations;
  }

  /** The current SUB socket (for `events`); replaced when the watchdog recreates it. */
  get socket(): SubscriptionChannel["socket"] {
    return this.#channel.socket;
  }

  /** Stops receiving; an iteration in progress ends. */
  close(): void {
    this.#channel.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#channel.closed;
  }
}
