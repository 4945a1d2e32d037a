/**
 * SUB (RFC 29 section "The SUB Socket Type"): subscribes with
 * subscribe()/unsubscribe(), receives the messages whose first frame starts
 * with one of its topics (filtered here too: a ZMTP 3.0 or manual-mode
 * publisher may send more), never sends.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "../pipe.js";
import { FanInSocket } from "./fan-in.js";
import { checkOptionType } from "../option-values.js";
import type { SocketOptions } from "./socket.js";

/** Options of a Subscriber socket. */
export interface SubscriberOptions extends SocketOptions {
  conflate?: boolean;
  invertMatching?: boolean;
}

const EMPTY = Buffer.alloc(0);

/** A SUB socket. */
export class Subscriber extends FanInSocket {
  readonly socketType = "SUB";
  protected readonly filters = true;

  constructor(options?: SubscriberOptions) {
    super(options);
    this.setOptions(options);
  }

  /** ZMQ_CONFLATE: keep only the newest message of each publisher; write-only, as in zeromq.js. */
  set conflate(value: boolean) {
    checkOptionType("boolean", value);
    this.conflateMode = value;
  }

  /** ZMQ_INVERT_MATCHING: receive the messages that match none of the topics. */
  get invertMatching(): boolean {
    return this.invertMode;
  }
  set invertMatching(value: boolean) {
    checkOptionType("boolean", value);
    this.invertMode = value;
  }

  /**
   * Subscribes to messages starting with each prefix; with none, to every
   * message (the empty topic). Subscriptions are counted.
   */
  subscribe(...prefixes: Array<Buffer | string>): void {
    if (this.closed) throw new ZmqError("ENOTSOCK");
    for (const p of prefixes.length ? prefixes : [EMPTY]) this.changeSubscription(true, Buffer.from(p));
  }

  /** Cancels one subscription to each prefix; with none, one to the empty topic. */
  unsubscribe(...prefixes: Array<Buffer | string>): void {
    if (this.closed) throw new ZmqError("ENOTSOCK");
    for (const p of prefixes.length ? prefixes : [EMPTY]) this.changeSubscription(false, Buffer.from(p));
  }

  /** Only subscriptions travel upstream, so a reconnect drops stale ones and sends the set again. */
  protected override xhandshake(pipe: Pipe): string | undefined {
    pipe.clearOut();
    return super.xhandshake(pipe);
  }

  /** A Subscriber cannot send: rejects with ENOTSUP, as libzmq's zmq_send does. */
  protected xsend(_msg: Message): boolean {
    throw new ZmqError("ENOTSUP", "a Subscriber socket cannot send");
  }

  protected xwritable(): boolean {
    return false;
  }
}
