/**
 * inproc:// across worker_threads. The default Context's inproc names are
 * process-wide: a name bound in one thread can be connected to from any
 * other thread of the process, with the semantics inproc has within a
 * thread (bind and connect in either order, messages queued before the
 * link exists unless `immediate`, whole messages, high-water marks).
 * Contexts made with `new Context()` stay private to their thread. Within a
 * thread, a name bound there is always found first, on the same-thread
 * fast path of `InprocRegistry` (inproc.ts); this file is only used for names
 * bound elsewhere.
 *
 * Discovery: each thread keeps one BroadcastChannel, {@link REGISTRY}.
 * A connecting thread opens a channel with a fresh random name for the
 * link and broadcasts `connect`; the thread that has the name bound offers
 * itself on that link channel; the connector welcomes the first offer
 * (so a name bound in two threads by mistake still gives one link), and
 * both sides then treat the channel as the connection. A `bind`
 * announcement makes waiting connectors ask again.
 *
 * Why BroadcastChannels and not a MessageChannel per link: a MessagePort
 * can only travel through a channel that already joins the two threads,
 * and the library owns none (a Worker's parent port belongs to the
 * application). A link channel's name is known to its two ends only.
 *
 * Data: the messages a pipe releases in one tick are packed into one
 * ArrayBuffer (one copy; a clone of a pooled Buffer would copy its whole
 * 8 KiB slab) and unpacked on arrival as views of it, without copying.
 * Flow control is by credit: a side may have at most the peer's receive
 * high-water mark (as it was when the link was made: the window) of
 * messages not yet taken into the peer's pipe; the peer grants credit once
 * it has taken half a window, so that a stream of messages costs one grant
 * per half window, not one per batch (per-batch grants kept batches small:
 * a post per 155 messages on average, and a post costs as much time as
 * tens of messages). The sender still has half a window of credit while
 * a grant is held back, so it never waits for one that is not coming.
 * Past the window, messages wait in the sender's pipe, whose send
 * high-water mark then blocks or drops as the pattern says. So a link
 * holds at most sndhwm + 2 x rcvhwm messages (a mark of 0 means no limit,
 * here as elsewhere). Closing with linger sends what is
 * queued without waiting for credit.
 *
 * Posts are counted too: a side has at most {@link POSTS_IN_FLIGHT} batches
 * posted and not yet acknowledged (the peer acknowledges them with its
 * grants, on arrival), and messages wait in the pipe meanwhile, to go out
 * in the next, bigger batch. The reason is Deno: its BroadcastChannel is one
 * ring of 256 posts shared by every channel of the process, and a reader
 * that falls more than a ring behind silently loses posts (a stream of
 * one-message batches did, at a receive HWM of 1000). Each post carries
 * its number on the link, so a post lost all the same ends the link, as
 * the peer's close would, instead of leaving a gap in the stream.
 *
 * Liveness: no channel keeps a thread's event loop alive, as no tcp
 * listener or connection does: a pending operation does (see
 * keep-alive.ts), so a worker whose sockets are idle can end. A thread
 * that dies without closing its sockets leaves its peers' links open (no
 * notice crosses the channel).
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import type { Message, Pipe, PipeDriver } from "../pipe.js";
import { Queue } from "../queue.js";
import { compatibleSocketTypes } from "../wire/index.js";
import type { InprocOwner } from "./owner.js";

/** The discovery channel every thread listens on. */
export const REGISTRY = "purezmq:inproc";
/** A link's channel is this prefix and the link's random id. */
export const LINK_PREFIX = "purezmq:inproc:link:";
/** A batch is posted once it reaches this size, so one post never holds the whole queue. */
const BATCH_BYTES = 1024 * 1024;
/** Batches a side may have posted and not yet acknowledged (an eighth of Deno's ring, so a few busy links fit in it). */
export const POSTS_IN_FLIGHT = 32;
/** The receiver acknowledges batches once this many arrived. */
const POSTS_ACK_AT = POSTS_IN_FLIGHT / 2;

type RegistryMessage = { op: "bind"; name: string } | { op: "connect"; name: string; link: string };

type LinkMessage =
  | { t: "offer"; offer: string; socketType: string; identity: Uint8Array; window: number }
  | { t: "welcome"; offer: string; socketType: string; identity: Uint8Array; window: number }
  | { t: "refuse"; reason: string }
  | LinkPost;

/** What the two ends of a link post once both exist, each numbered by `s` (0, 1, 2... per side). */
type LinkPost =
  | { t: "m"; s: number; b: ArrayBuffer }
  /** A grant: `n` more messages may be sent, `p` batches arrived. */
  | { t: "c"; s: number; n: number; p: number }
  | { t: "close"; s: number };
type Unnumbered<T> = T extends unknown ? Omit<T, "s"> : never;

/** Something that ends with its socket or link. */
export interface Closable {
  close(linger: number): void;
}

/** What this side needs of the thread's registry (inproc.ts's InprocRegistry). */
export interface ThreadRegistry {
  /** The socket bound to `name` in this thread, if any. */
  lookup(name: string): InprocOwner | undefined;
  /** Closes `end` with `binder`; returns how to forget it. */
  track(binder: InprocOwner, end: Closable): () => void;
}

/** What this side needs of a connect waiting for a binder (inproc.ts's InprocLink). */
export interface ThreadLink {
  readonly socket: InprocOwner;
  readonly address: string;
  readonly closed: boolean;
  /** True once joined to a binder, here or in another thread. */
  readonly linked: boolean;
  /** The far side in another thread, or the search for it. */
  threadEnd: Closable | undefined;
  /** The pipe for a binder in another thread. */
  pipeForThread(): Pipe;
  close(linger: number): void;
}

function randomId(): string {
  return randomBytes(12).toString("hex");
}

/** Messages per window: the receive high-water mark, or no limit. */
function windowOf(pipe: Pipe): number {
  return pipe.receiveHighWaterMark > 0 ? pipe.receiveHighWaterMark : 0;
}

/** Packs messages into one ArrayBuffer: count, then per message its part count, then per part length and octets (uint32 LE). */
export function packMessages(msgs: readonly Message[]): ArrayBuffer {
  let size = 4;
  for (const msg of msgs) {
    size += 4;
    for (const part of msg) size += 4 + part.length;
  }
  const buf = Buffer.allocUnsafeSlow(size);
  let at = buf.writeUInt32LE(msgs.length, 0);
  for (const msg of msgs) {
    at = buf.writeUInt32LE(msg.length, at);
    for (const part of msg) {
      at = buf.writeUInt32LE(part.length, at);
      at += part.copy(buf, at);
    }
  }
  return buf.buffer.byteLength === size ? buf.buffer : buf.buffer.slice(buf.byteOffset, buf.byteOffset + size);
}

/** Unpacks what {@link packMessages} made; the parts are views of `data`. */
export function unpackMessages(data: ArrayBuffer): Message[] {
  const buf = Buffer.from(data);
  const count = buf.readUInt32LE(0);
  let at = 4;
  const msgs = new Array<Message>(count);
  for (let i = 0; i < count; i++) {
    const parts = buf.readUInt32LE(at);
    at += 4;
    const msg = new Array<Buffer>(parts);
    for (let j = 0; j < parts; j++) {
      const len = buf.readUInt32LE(at);
      at += 4;
      msg[j] = buf.subarray(at, at + len);
      at += len;
    }
    msgs[i] = msg;
  }
  return msgs;
}

/** One side of a link between two threads: drives a pipe over the link channel. */
class ThreadLinkEnd implements PipeDriver, Closable {
  /** Messages we may still send before the peer grants more. */
  private credit: number;
  /** Messages taken into our pipe and not yet reported to the peer. */
  private taken = 0;
  /** Grant credit once this many are taken (half our window); 0: the peer sends without credit. */
  private readonly grantAt: number;
  /** Batches posted and not yet acknowledged by the peer. */
  private postsOut = 0;
  /** Batches arrived and not yet acknowledged to the peer. */
  private postsIn = 0;
  /** The number of our next post, and of the peer's next one. */
  private sent = 0;
  private expected = 0;
  /** Messages that arrived while our pipe was full (at most our window). */
  private readonly backlog = new Queue<Message>();
  private full = false;
  private flushScheduled = false;
  private grantScheduled = false;
  private ended = false;

  constructor(
    private readonly channel: BroadcastChannel,
    private readonly pipe: Pipe,
    peerWindow: number,
    ownWindow: number,
    private readonly onPeerClose: () => void,
  ) {
    this.credit = peerWindow > 0 ? peerWindow : Infinity;
    this.grantAt = ownWindow > 0 ? Math.ceil(ownWindow / 2) : 0;
    channel.onmessage = (e: MessageEvent) => this.onMessage(e.data as LinkPost);
    channel.unref();
    pipe.driver = this;
  }

  kick(): void {
    if (this.flushScheduled || this.ended) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush(false);
    });
  }

  /** Our pipe has room again: move the backlog in. */
  resume(): void {
    this.full = false;
    let msg: Message | undefined;
    while (!this.full && (msg = this.backlog.shift()) !== undefined) this.take(msg);
  }

  /** Ends the link; with linger, what is queued goes first, credit or not. */
  close(linger: number): void {
    if (this.ended) return;
    if (linger !== 0) this.flush(true);
    this.post({ t: "close" });
    this.end();
  }

  private end(): void {
    this.ended = true;
    if (this.pipe.driver === this) this.pipe.driver = undefined;
    this.backlog.clear();
    this.channel.close();
  }

  private flush(ignoreCredit: boolean): void {
    if (this.ended) return;
    let batch: Message[] = [];
    let bytes = 0;
    let msg: Message | undefined;
    while ((ignoreCredit || (this.credit > 0 && this.postsOut < POSTS_IN_FLIGHT)) && (msg = this.pipe.takeOut()) !== undefined) {
      this.credit--;
      batch.push(msg);
      for (const part of msg) bytes += part.length + 4;
      if (bytes >= BATCH_BYTES) {
        this.postBatch(batch);
        batch = [];
        bytes = 0;
      }
    }
    if (batch.length > 0) this.postBatch(batch);
  }

  private postBatch(batch: Message[]): void {
    this.postsOut++;
    this.post({ t: "m", b: packMessages(batch) });
  }

  private onMessage(m: LinkPost): void {
    if (this.ended) return;
    if (m.s !== this.expected++) {
      // A post of the peer never arrived (see the header): the stream has a
      // gap, so the link ends as if the peer had gone.
      this.close(0);
      this.onPeerClose();
      return;
    }
    switch (m.t) {
      case "m":
        if (++this.postsIn >= POSTS_ACK_AT) this.scheduleGrant();
        for (const msg of unpackMessages(m.b)) {
          if (this.full || this.backlog.length > 0) this.backlog.push(msg);
          else this.take(msg);
        }
        return;
      case "c":
        this.credit += m.n;
        this.postsOut -= m.p;
        this.flush(false);
        return;
      case "close":
        this.end();
        this.onPeerClose();
        return;
      default:
        return;
    }
  }

  private take(msg: Message): void {
    if (this.pipe.detached) return;
    if (!this.pipe.deliver(msg)) this.full = true;
    if (this.grantAt === 0) return; // the peer sends without credit
    // The window told to the peer counts, not the mark now: a mark changed
    // since must neither stop the grants the peer waits for nor start ones
    // it does not.
    if (++this.taken >= this.grantAt) this.scheduleGrant();
  }

  /** Grants, in the next tick, the messages taken and the batches arrived so far (one post for both). */
  private scheduleGrant(): void {
    if (this.grantScheduled) return;
    this.grantScheduled = true;
    process.nextTick(() => {
      this.grantScheduled = false;
      if ((this.taken === 0 && this.postsIn === 0) || this.ended) return;
      this.post({ t: "c", n: this.taken, p: this.postsIn });
      this.taken = 0;
      this.postsIn = 0;
    });
  }

  private post(m: Unnumbered<LinkPost>): void {
    this.channel.postMessage({ ...m, s: this.sent++ });
  }
}

/** A connect waiting for a thread that has the name bound. */
interface Request {
  readonly id: string;
  readonly name: string;
  readonly link: ThreadLink;
  readonly channel: BroadcastChannel;
  readonly onJoined: () => void;
  done: boolean;
}

/** An offer made to a connector, waiting for its welcome. */
interface Offer {
  readonly id: string;
  readonly name: string;
  readonly link: string;
  readonly channel: BroadcastChannel;
  /** The window offered: our receive high-water mark then. */
  readonly window: number;
}

/** The cross-thread side of one process-wide `InprocRegistry` (inproc.ts). */
export class ThreadInproc {
  private channel: BroadcastChannel | undefined;
  private readonly bound = new Set<string>();
  private readonly requests = new Map<string, Request>();
  private readonly offers = new Map<string, Offer>();

  constructor(private readonly registry: ThreadRegistry) {}

  /** `name` was bound in this thread: connectors elsewhere may link to it now. */
  announce(name: string): void {
    this.bound.add(name);
    this.broadcast({ op: "bind", name });
  }

  /** `name` is no longer bound in this thread. */
  withdraw(name: string): void {
    this.bound.delete(name);
  }

  /**
   * Looks for `name` in the other threads for `link`. `onJoined` runs when a
   * thread answered (the link is no longer waiting for a local bind).
   */
  request(name: string, link: ThreadLink, onJoined: () => void): void {
    const id = randomId();
    const channel = new BroadcastChannel(LINK_PREFIX + id);
    const req: Request = { id, name, link, channel, onJoined, done: false };
    channel.onmessage = (e: MessageEvent) => this.onConnectorMessage(req, e.data as LinkMessage);
    channel.unref();
    this.requests.set(id, req);
    link.threadEnd = { close: () => this.cancel(req) };
    this.broadcast({ op: "connect", name, link: id });
  }

  /** Stops looking for a name (the link closed, or found it in this thread). */
  cancel(req: Request): void {
    if (!this.requests.delete(req.id)) return;
    req.done = true;
    req.channel.close();
  }

  private registryChannel(): BroadcastChannel {
    if (!this.channel) {
      this.channel = new BroadcastChannel(REGISTRY);
      this.channel.unref();
      this.channel.onmessage = (e: MessageEvent) => this.onRegistryMessage(e.data as RegistryMessage);
    }
    return this.channel;
  }

  private broadcast(m: RegistryMessage): void {
    this.registryChannel().postMessage(m);
  }

  private onRegistryMessage(m: RegistryMessage): void {
    if (m.op === "bind") {
      for (const req of this.requests.values()) {
        if (req.name === m.name && !req.done) this.registryChannel().postMessage({ op: "connect", name: req.name, link: req.id });
      }
      return;
    }
    if (m.op === "connect") this.offer(m.name, m.link);
  }

  /** Binder side: a connector elsewhere wants a name bound here. */
  private offer(name: string, link: string): void {
    if (!this.bound.has(name) || this.offers.has(link)) return;
    const binder = this.registry.lookup(name);
    if (!binder || binder.closed) return;
    const window = binder.receiveHighWaterMark > 0 ? binder.receiveHighWaterMark : 0;
    const offer: Offer = { id: randomId(), name, link, channel: new BroadcastChannel(LINK_PREFIX + link), window };
    this.offers.set(link, offer);
    offer.channel.onmessage = (e: MessageEvent) => this.onBinderMessage(offer, e.data as LinkMessage);
    offer.channel.unref();
    offer.channel.postMessage({ t: "offer", offer: offer.id, socketType: binder.socketType, identity: binder.identityOctets(), window } satisfies LinkMessage);
  }

  private onBinderMessage(offer: Offer, m: LinkMessage): void {
    if (m.t !== "welcome" && m.t !== "close" && m.t !== "refuse") return;
    this.offers.delete(offer.link);
    const channel = offer.channel;
    if (m.t !== "welcome" || m.offer !== offer.id) {
      channel.close();
      return;
    }
    const binder = this.registry.lookup(offer.name);
    const address = `inproc://${offer.name}`;
    if (!binder || binder.closed || !compatibleSocketTypes(binder.socketType, m.socketType)) {
      // The connector's end exists already: this is the first post it numbers.
      channel.postMessage({ t: "close", s: 0 } satisfies LinkMessage);
      channel.close();
      return;
    }
    const pipe = binder.openPipe(address);
    let untrack = (): void => {};
    const end = new ThreadLinkEnd(channel, pipe, m.window, offer.window, () => {
      untrack();
      binder.closePipe(pipe);
    });
    const refused = binder.pipeHandshake(pipe, { socketType: m.socketType, identity: Buffer.from(m.identity), minor: 1 });
    if (refused !== undefined) {
      end.close(0);
      binder.closePipe(pipe);
      return;
    }
    untrack = this.registry.track(binder, {
      close: (linger) => {
        end.close(linger);
        binder.closePipe(pipe);
      },
    });
    binder.emit({ type: "accept", address });
    binder.emit({ type: "handshake", address });
    end.kick();
  }

  /** Connector side: the first offer wins; later ones are turned down by the welcome naming another. */
  private onConnectorMessage(req: Request, m: LinkMessage): void {
    if (m.t !== "offer" || req.done) return;
    const link = req.link;
    if (link.closed || link.linked) {
      this.cancel(req);
      return;
    }
    req.done = true;
    this.requests.delete(req.id);
    req.onJoined();
    const socket = link.socket;
    const channel = req.channel;
    if (!compatibleSocketTypes(socket.socketType, m.socketType)) {
      const error = Object.assign(new Error(`a ${socket.socketType} socket cannot talk to a ${m.socketType} peer`), { code: "ESOCKETTYPE" });
      socket.emit({ type: "handshake:error:protocol", address: link.address, error });
      channel.postMessage({ t: "refuse", reason: error.message } satisfies LinkMessage);
      channel.close();
      link.threadEnd = undefined;
      return;
    }
    const pipe = link.pipeForThread();
    const window = windowOf(pipe);
    const end = new ThreadLinkEnd(channel, pipe, m.window, window, () => link.close(0));
    link.threadEnd = end;
    // The welcome must precede any message the handshake queues.
    channel.postMessage({ t: "welcome", offer: m.offer, socketType: socket.socketType, identity: socket.identityOctets(), window } satisfies LinkMessage);
    const refused = socket.pipeHandshake(pipe, { socketType: m.socketType, identity: Buffer.from(m.identity), minor: 1 });
    if (refused !== undefined) {
      link.close(0);
      return;
    }
    socket.emit({ type: "connect", address: link.address });
    socket.emit({ type: "handshake", address: link.address });
    end.kick();
  }
}
