/**
 * The publishing side of RFC 29, shared by PUB and XPUB (libzmq's PUB is an
 * XPUB that does not receive): subscriptions arrive from each peer as
 * `[0x01 + topic]` / `[0x00 + topic]` messages (the engine turns ZMTP 3.1
 * SUBSCRIBE/CANCEL commands into this form), are drained from the peer's
 * pipe as soon as they arrive, and feed a {@link SubscriberIndex}. Each
 * outgoing message goes to the peers with a topic prefixing its first frame.
 *
 * A peer over its send high-water mark misses the message (dropped for it
 * alone), or with `noDrop` the send waits until every matching peer has
 * room.
 *
 * Subscriptions are memory a peer makes us hold: each is weighed (its
 * octets plus what the index spends on it, see `subscriptionCost`) against
 * `maxSubscriptionBytesPerPeer` and `maxSubscriptionBytes`. A subscription
 * over either bound ends that peer's connection with ENOBUFS, as other bad
 * input does: the subscriptions it held are released, the peers already
 * served keep theirs, and the refusal shows in the events of both sides
 * rather than as a subscriber silently missing messages.
 *
 * Queueing while disconnected: the subscriptions of a peer live on its pipe.
 * A pipe made by connect() survives reconnects, so once the subscriber has
 * subscribed over a first connection, messages published while the link is
 * down are queued for it (up to the send high-water mark) and delivered in
 * order after the reconnect; the subscriber's re-sent subscriptions change
 * nothing since a publisher keeps sets. Before the first connection a pipe
 * has no subscriptions, so nothing is queued for it (as in libzmq). With
 * `immediate`, or on the bind side, the pipe and its subscriptions end with
 * the connection. Subscriptions left on a surviving pipe by a subscriber
 * that came back with fewer topics stay until it disconnects for good (as
 * in libzmq); the subscriber's own filter hides what they let through.
 */
import { Buffer } from "node:buffer";
import { COMMAND_SIZE_LIMIT, type EngineOptions } from "../engine.js";
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "../pipe.js";
import { Queue } from "../queue.js";
import { ZmtpProtocolError } from "../wire/index.js";
import { distribute } from "./distributor.js";
import { checkOptionType } from "../option-values.js";
import { ownOption } from "../closed-options.js";
import { Socket } from "./socket.js";
import { SubscriberIndex, subscriptionCost } from "./subscriptions.js";

/** Per-peer state: the pipe, and the number of the last message it was matched for. */
interface Peer {
  readonly pipe: Pipe;
  mark: number;
}

/** Which repeated subscription messages an XPUB passes to the application. */
export type Verbosity = null | "allSubs" | "allSubsUnsubs";

/** A subscription message or an upstream message, waiting for the application (XPUB). */
interface Notice {
  msg: Message;
  pipe: Pipe;
}

const EMPTY = Buffer.alloc(0);

/** Base of Publisher and XPublisher. */
export abstract class FanOutSocket extends Socket {
  #noDrop: boolean = false;
  /** ZMQ_XPUB_NODROP: wait for room instead of dropping for a full peer; write-only, as in zeromq.js. */
  set noDrop(value: boolean) {
    checkOptionType("boolean", value);
    this.#noDrop = value;
  }
  #invertMatching: boolean = false;
  /** ZMQ_INVERT_MATCHING: send to the peers whose topics do not match. */
  get invertMatching(): boolean {
    return this.#invertMatching;
  }
  set invertMatching(value: boolean) {
    checkOptionType("boolean", value);
    this.#invertMatching = value;
  }
  #conflate: boolean = false;
  /** ZMQ_CONFLATE: keep only the newest message queued per peer; write-only, as in zeromq.js. */
  set conflate(value: boolean) {
    checkOptionType("boolean", value);
    this.#conflate = value;
  }
  /**
   * Subscription bytes one peer may hold (purezmq's own option): each
   * topic weighs its length plus 64 octets of bookkeeping. A subscription
   * past it ends that peer's connection (`disconnect`, code ENOBUFS), and
   * a SUBSCRIBE command larger than it is refused from its header. -1 = no
   * limit.
   */
  maxSubscriptionBytesPerPeer = 16 * 1024 * 1024;
  /**
   * Subscription bytes all peers together may hold (purezmq's own option),
   * weighed as for {@link maxSubscriptionBytesPerPeer}: a subscription that
   * does not fit ends the connection of the peer that sent it (ENOBUFS);
   * peers already served keep theirs. -1 = no limit.
   */
  maxSubscriptionBytes = 256 * 1024 * 1024;

  /** XPUB passes subscriptions up; PUB discards them. */
  protected abstract readonly notifies: boolean;
  protected verbosityLevel: Verbosity = null;
  protected manualMode = false;
  protected welcome: Buffer | null = null;

  private readonly peers = new Map<Pipe, Peer>();
  private readonly index = new SubscriberIndex<Peer>();
  /** Manual mode: what each peer asked for, to report its cancels when it leaves. */
  private readonly requested = new SubscriberIndex<Peer>();
  private readonly notices = new Queue<Notice>();
  /** Pipes left with unread input while the notices were at their bound. */
  private readonly stalled = new Set<Pipe>();
  /** Manual mode: the peer whose subscription message the application received last. */
  private lastPipe: Pipe | undefined;
  private epoch = 0;
  private readonly targets: Pipe[] = [];

  protected xattach(pipe: Pipe): void {
    this.peers.set(pipe, { pipe, mark: 0 });
  }

  protected override xhandshake(pipe: Pipe): string | undefined {
    // Every connection gets the welcome message (ZMQ_XPUB_WELCOME_MSG).
    if (this.welcome !== null) pipe.write([this.welcome]);
    return undefined;
  }

  protected xdetach(pipe: Pipe): void {
    const peer = this.peers.get(pipe);
    if (!peer) return;
    this.peers.delete(pipe);
    this.stalled.delete(pipe);
    if (this.lastPipe === pipe) this.lastPipe = undefined;
    if (this.manualMode) {
      this.requested.removePeer(peer, (topic) => this.notify(cancelMessage(topic), pipe));
      this.index.removePeer(peer, () => {});
    } else {
      this.index.removePeer(peer, (topic) => this.notify(cancelMessage(topic), pipe));
    }
  }

  /**
   * Subscriptions are control traffic: take them at once, whatever the
   * application sends. The bound is the notices an XPUB application has not
   * read: past its receive high-water mark the pipe is left to fill, which
   * stops reading from that peer until the application catches up.
   */
  protected xreadablePipe(pipe: Pipe): void {
    const peer = this.peers.get(pipe);
    if (!peer) return;
    let msg: Message | undefined;
    // A subscription over a bound ends the connection, and may detach the pipe.
    while (!pipe.detached && !this.noticesFull() && (msg = pipe.read()) !== undefined) this.incoming(peer, msg);
    if (pipe.inLength > 0 && !pipe.detached) this.stalled.add(pipe);
  }

  /** @internal A peer's SUBSCRIBE may be as large as what it may hold; other commands stay small. */
  protected override connectionSettings(address: string): EngineOptions {
    const options = super.connectionSettings(address);
    const perPeer = this.maxSubscriptionBytesPerPeer;
    options.maxCommandSize = perPeer < 0 ? -1 : Math.max(COMMAND_SIZE_LIMIT, perPeer);
    return options;
  }

  protected xsend(msg: Message): boolean {
    const targets = this.match(msg[0] ?? EMPTY);
    if (this.#conflate) {
      for (const pipe of targets) pipe.replaceOut(pipe.handsOnArrays ? msg.slice() : msg);
      return true;
    }
    return distribute(targets, msg, this.#noDrop);
  }

  protected xrecv(): Message | undefined {
    const notice = this.notices.shift();
    if (!notice) return undefined;
    if (this.manualMode) this.lastPipe = notice.pipe;
    // Not from inside xrecv: new notices may wake a waiting receive.
    if (this.stalled.size > 0 && !this.noticesFull()) process.nextTick(() => this.resumeStalled());
    return notice.msg;
  }

  protected xreadable(): boolean {
    return this.notices.length > 0;
  }

  protected xwritable(): boolean {
    if (!this.#noDrop) return true;
    for (const peer of this.peers.values()) if (!peer.pipe.writable) return false;
    return true;
  }

  /** Manual mode: subscribes the peer whose subscription was received last. */
  protected manualSubscribe(topics: (Buffer | string)[], subscribe: boolean): void {
    if (!this.manualMode) throw new ZmqError("EINVAL", "subscribe() and unsubscribe() on an XPublisher need manual mode");
    const pipe = this.lastPipe;
    const peer = pipe && this.peers.get(pipe);
    if (!peer) return; // that peer is gone: nothing to change
    for (const t of topics.length ? topics : [EMPTY]) {
      const topic = Buffer.from(t);
      if (subscribe) this.index.add(topic, peer);
      else this.index.remove(topic, peer);
    }
  }

  /** The pipes a message with this first frame goes to. */
  private match(first: Buffer): Pipe[] {
    const targets = this.targets;
    targets.length = 0;
    const epoch = ++this.epoch;
    this.index.forEachMatch(first, (peer) => {
      if (peer.mark === epoch) return;
      peer.mark = epoch;
      if (!this.#invertMatching) targets.push(peer.pipe);
    });
    if (this.#invertMatching) {
      for (const peer of this.peers.values()) if (peer.mark !== epoch) targets.push(peer.pipe);
    }
    return targets;
  }

  /** One message from a subscriber: a subscription, a cancel, or (XPUB) an upstream message. */
  private incoming(peer: Peer, msg: Message): void {
    const body = msg[0]!;
    const isSubscription = msg.length === 1 && body.length > 0 && body[0]! <= 1;
    if (!isSubscription) {
      if (this.notifies) this.notify(msg, peer.pipe);
      return;
    }
    const subscribe = body[0] === 1;
    const topic = body.subarray(1);
    if (subscribe && !this.withinBounds(peer, topic)) return;
    if (this.manualMode) {
      if (subscribe) this.requested.add(topic, peer);
      else this.requested.remove(topic, peer);
      this.notify(msg, peer.pipe);
      return;
    }
    let notify: boolean;
    if (subscribe) {
      notify = this.index.add(topic, peer) || this.verbosityLevel !== null;
    } else {
      notify = this.index.remove(topic, peer) !== "remaining" || this.verbosityLevel === "allSubsUnsubs";
    }
    if (notify) this.notify(msg, peer.pipe);
  }

  /**
   * True when `peer` may hold `topic` too (a repeat costs nothing);
   * otherwise ends its connection. In manual mode the bound is on what the
   * peers asked for; what the application grants is its own business.
   */
  private withinBounds(peer: Peer, topic: Buffer): boolean {
    const held = this.manualMode ? this.requested : this.index;
    if (held.has(topic, peer)) return true;
    const cost = subscriptionCost(topic);
    const perPeer = this.maxSubscriptionBytesPerPeer;
    const total = this.maxSubscriptionBytes;
    let why: string;
    if (perPeer >= 0 && held.costOf(peer) + cost > perPeer) {
      why = `the peer's subscriptions would weigh ${held.costOf(peer) + cost} octets, over maxSubscriptionBytesPerPeer (${perPeer})`;
    } else if (total >= 0 && held.cost + cost > total) {
      why = `the subscriptions of all peers would weigh ${held.cost + cost} octets, over maxSubscriptionBytes (${total})`;
    } else {
      return true;
    }
    peer.pipe.abort(new ZmtpProtocolError(`subscription of ${topic.length} octets refused: ${why}`, "ENOBUFS"));
    return false;
  }

  private notify(msg: Message, pipe: Pipe): void {
    if (!this.notifies || this.closed) return;
    this.notices.push({ msg, pipe });
    if (this.notices.length === 1) this.tryReceive();
  }

  private noticesFull(): boolean {
    // Subscriptions arrive while the socket lingers after close() too.
    const hwm = ownOption(this, "receiveHighWaterMark");
    return this.notifies && hwm > 0 && this.notices.length >= hwm;
  }

  private resumeStalled(): void {
    const pipes = [...this.stalled];
    this.stalled.clear();
    for (const pipe of pipes) if (!pipe.detached) this.xreadablePipe(pipe);
  }

  /** @internal For diagnostics and tests: messages queued to each peer. */
  queuedPerPeer(): number[] {
    return [...this.peers.keys()].map((p) => p.outLength);
  }
}

function cancelMessage(topic: Buffer): Message {
  const msg = Buffer.allocUnsafe(topic.length + 1);
  msg[0] = 0;
  topic.copy(msg, 1);
  return [msg];
}
