/**
 * The subscribing side of RFC 29, shared by SUB and XSUB: subscriptions
 * counted in a {@link TopicCounts}, sent to every connected publisher as
 * `[0x01 + topic]` / `[0x00 + topic]` messages (the engine turns them into
 * SUBSCRIBE/CANCEL commands for ZMTP 3.1 peers and leaves them as messages
 * for 3.0 peers), and messages fair-queued in from the publishers.
 *
 * A subscription goes only to pipes with a live connection, and the whole
 * set (each topic once) goes again on every completed handshake (first
 * connection and each reconnect), so a restarted publisher learns it. They
 * are written whatever the send high-water mark: control traffic is never
 * dropped.
 */
import { Buffer } from "node:buffer";
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { LatestQueue } from "./latest-queue.js";
import { Socket, type SocketOptions } from "./socket.js";
import { TopicCounts } from "./subscriptions.js";

/** Base of Subscriber and XSubscriber. */
export abstract class FanInSocket extends Socket {
  /** SUB filters what it receives by its own topics; XSUB passes everything. */
  protected abstract readonly filters: boolean;
  protected readonly topics = new TopicCounts();
  protected readonly publishers = new Set<Pipe>();
  protected conflateMode = false;
  protected invertMode = false;
  private readonly fq = new FairQueue();
  private readonly latest = new LatestQueue();
  /** A matching message read ahead to answer `readable`. */
  private ahead: Message | undefined;

  protected constructor(options: SocketOptions | undefined) {
    super(options);
    // libzmq's XSUB (and so SUB) lingers 0 by default: what it queues is
    // subscriptions, worth nothing to a publisher once the socket is gone.
    this.linger = 0;
  }

  protected xattach(pipe: Pipe): void {
    this.publishers.add(pipe);
  }

  protected override xhandshake(pipe: Pipe): string | undefined {
    this.resubscribe(pipe);
    return undefined;
  }

  protected xdetach(pipe: Pipe): void {
    this.publishers.delete(pipe);
    this.latest.remove(pipe);
  }

  protected xreadablePipe(pipe: Pipe): void {
    if (this.conflateMode) this.latest.drain(pipe, (msg) => this.accepts(msg));
    else this.fq.activate(pipe);
  }

  protected xrecv(): Message | undefined {
    const msg = this.ahead ?? this.next();
    this.ahead = undefined;
    return msg;
  }

  protected xreadable(): boolean {
    this.ahead ??= this.next();
    return this.ahead !== undefined;
  }

  /**
   * Sends a subscription message (`subscribe`: `[0x01 + topic]`) to every
   * connected publisher, counting it. A cancel goes out only when it drops
   * the topic's count to zero; every subscribe goes out (libzmq does the
   * same, so a verbose XPUB upstream sees each one).
   */
  protected changeSubscription(subscribe: boolean, topic: Uint8Array): void {
    if (subscribe) this.topics.add(topic);
    else if (!this.topics.remove(topic)) return;
    const msg = subscriptionMessage(subscribe, topic);
    for (const pipe of this.publishers) if (pipe.driver !== undefined) pipe.write([msg]);
  }

  /** Sends the whole subscription set on a freshly handshaken pipe. */
  protected resubscribe(pipe: Pipe): void {
    this.topics.forEach((topic) => pipe.write([subscriptionMessage(true, topic)]));
  }

  private next(): Message | undefined {
    if (this.conflateMode) return this.latest.recv();
    let msg: Message | undefined;
    while ((msg = this.fq.recv()) !== undefined) if (this.accepts(msg)) return msg;
    return undefined;
  }

  private accepts(msg: Message): boolean {
    if (!this.filters) return true;
    return this.topics.matches(msg[0]!) !== this.invertMode;
  }
}

/** `[0x01 + topic]` or `[0x00 + topic]`. */
export function subscriptionMessage(subscribe: boolean, topic: Uint8Array): Buffer {
  const msg = Buffer.allocUnsafe(topic.length + 1);
  msg[0] = subscribe ? 1 : 0;
  msg.set(topic, 1);
  return msg;
}
