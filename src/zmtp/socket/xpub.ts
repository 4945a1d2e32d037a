/**
 * XPUB (RFC 29 section "The XPUB Socket Type"): a PUB that hands the
 * subscription messages of its peers to the application (`[0x01 + topic]`,
 * `[0x00 + topic]`), by default only the first subscribe and the last
 * cancel of each topic over all peers; other messages from peers are
 * received as they are. In manual mode the application decides what each
 * peer gets, with subscribe()/unsubscribe() applying to the peer of the
 * last subscription message received.
 */
import { Buffer } from "node:buffer";
import { FanOutSocket, type Verbosity } from "./fan-out.js";
import { checkOptionType, isVerbosity } from "../option-values.js";
import type { SocketOptions } from "./socket.js";

export type { Verbosity } from "./fan-out.js";

/** Options of an XPublisher socket. */
export interface XPublisherOptions extends SocketOptions {
  noDrop?: boolean;
  conflate?: boolean;
  invertMatching?: boolean;
  manual?: boolean;
  welcomeMessage?: string | Buffer | null;
  verbosity?: Verbosity;
  maxSubscriptionBytesPerPeer?: number;
  maxSubscriptionBytes?: number;
}

/** An XPUB socket. */
export class XPublisher extends FanOutSocket {
  readonly socketType = "XPUB";
  protected readonly notifies = true;

  constructor(options?: XPublisherOptions) {
    super(options);
    this.setOptions(options);
  }

  /**
   * ZMQ_XPUB_MANUAL: subscriptions from peers are only reported; the
   * application applies them with {@link subscribe}/{@link unsubscribe}.
   * Write-only, as in zeromq.js.
   */
  set manual(value: boolean) {
    checkOptionType("boolean", value);
    this.manualMode = value;
  }

  /** ZMQ_XPUB_WELCOME_MSG: sent to each subscriber when it connects; null = none. Write-only, as in zeromq.js. */
  set welcomeMessage(value: string | Buffer | null) {
    checkOptionType("string", value);
    this.welcome = value === null || value.length === 0 ? null : Buffer.from(value);
  }

  /**
   * ZMQ_XPUB_VERBOSE / ZMQ_XPUB_VERBOSER: `null` reports only the first
   * subscribe and last cancel of a topic; `"allSubs"` every subscribe;
   * `"allSubsUnsubs"` every subscribe and cancel. Write-only, and any
   * other value leaves it as it was, as in zeromq.js.
   */
  set verbosity(value: Verbosity) {
    if (isVerbosity(value)) this.verbosityLevel = value;
  }

  /** Manual mode: subscribes the peer of the last subscription message received (no topic = everything). */
  subscribe(...topics: (Buffer | string)[]): void {
    this.manualSubscribe(topics, true);
  }

  /** Manual mode: cancels a subscription of the peer of the last subscription message received. */
  unsubscribe(...topics: (Buffer | string)[]): void {
    this.manualSubscribe(topics, false);
  }
}
