/**
 * The serving loop every request-reply RPC server shares: a ROUTER socket,
 * the envelope of each request kept and put back on its reply (so REQ,
 * DEALER-with-correlation and REP-style peers all get their answer), and a
 * {@link WorkLimit} so that a slow handler holds up only its own caller.
 * What a request means is the {@link RequestHandler}'s business.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Router, type RouterOptions } from "../index.js";
import { ROUTING_KEY } from "../zmtp/socket/router.js";
import { SEND_OWNED, SEND_OWNED_NOW, joinParts } from "../zmtp/message.js";
import type { Message } from "../zmtp/pipe.js";
import { takeQueued } from "./read-replies.js";
import { notify, trace } from "./trace.js";
import { WorkLimit } from "./work-limit.js";

/** The client a request came from, for protocols that say more than one reply. */
export interface RequestPeer {
  /** The connection's routing id, as latin1 text. */
  readonly id: string;
  /** Sends frames to this client, in the request's envelope; never rejects. */
  send(frames: Buffer[]): Promise<void>;
}

/** Turns one request body (the frames after the envelope) into reply frames. */
export interface RequestHandler {
  /**
   * Answers a request. Must not throw for bad input: bad input gets an error
   * reply. `undefined` means "no reply" (e.g. a heartbeat). The reply's
   * frames are sent as they are, without the copy a socket's send() makes
   * of small parts: do not change them afterwards. A reply known at once
   * may be returned as it is (it is then sent in the same turn); one that
   * needs waiting, as a promise.
   */
  handle(body: Buffer[], peer: RequestPeer): Buffer[] | undefined | Promise<Buffer[] | undefined>;
  /** The reply to a request refused because the server is at its work bound; `undefined`: none. */
  busy(body: Buffer[]): Buffer[] | undefined;
  /**
   * What a request counts as against the waiting bounds (`maxQueue`,
   * `maxQueuePerClient`): a batch, its calls. Read from the frames without
   * decoding the request. Optional: 1.
   */
  weight?(body: Buffer[]): number;
  /**
   * A message that must not wait for a work slot (a heartbeat, stream
   * credit) is taken here at once; true when it was one. Optional.
   */
  control?(body: Buffer[], peer: RequestPeer): boolean;
}

/**
 * Options of a request-reply server. The waiting bounds are per client (one
 * connection, named by its ROUTER routing id: clients behind one proxy
 * connection share one client's share) and in total; past any of them a
 * request is answered at once with the protocol's "busy" error instead of
 * waiting. Clients are served round robin; a client that disconnects loses
 * its waiting requests.
 */
export interface RequestServiceOptions {
  /** Requests handled at once (default 64). */
  readonly maxConcurrency?: number;
  /**
   * Requests of one client handled at once (default a quarter of
   * `maxConcurrency`, at least 1: 16), so that one client cannot take every
   * slot; its further requests wait in its line, under the same bounds.
   */
  readonly maxRunningPerClient?: number;
  /** Requests waiting for a free slot, all clients together (default 10,000); a batch counts its calls. */
  readonly maxQueue?: number;
  /** Requests one client may have waiting (default 1,000, the socket's receive high-water mark); a batch counts its calls. */
  readonly maxQueuePerClient?: number;
  /** Octets of waiting requests, all clients together (default 64 MiB). */
  readonly maxQueuedBytes?: number;
  /** Octets of one client's waiting requests (default 8 MiB). */
  readonly maxQueuedBytesPerClient?: number;
  /** Options of the underlying ROUTER socket (zeromq.js names), e.g. security or HWM options. */
  readonly socket?: RouterOptions & Record<string, unknown>;
  /**
   * Told of each request refused at once because the server is at a work
   * bound (the caller gets the protocol's "busy" reply), with the client's
   * routing id (latin1 text); for logs and metrics.
   */
  readonly onRefused?: (client: string) => void;
}

/** Error text of a request refused because the server is at its work bound. */
export const BUSY_MESSAGE = "server busy: too many requests in progress, retry later";

/** Default of {@link RequestServiceOptions.maxConcurrency}. */
export const DEFAULT_MAX_CONCURRENCY = 64;
/** Default of {@link RequestServiceOptions.maxQueue}. */
export const DEFAULT_MAX_QUEUE = 10_000;
/** Default of {@link RequestServiceOptions.maxQueuePerClient}. */
export const DEFAULT_MAX_QUEUE_PER_CLIENT = 1_000;
/** Default of {@link RequestServiceOptions.maxQueuedBytes}: 64 MiB. */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/** Default of {@link RequestServiceOptions.maxQueuedBytesPerClient}: 8 MiB. */
export const DEFAULT_MAX_QUEUED_BYTES_PER_CLIENT = 8 * 1024 * 1024;

/** A ROUTER-based request server driving a {@link RequestHandler}. */
export class RequestService {
  /** The ROUTER socket (for events and options). */
  readonly socket: Router;
  readonly #handler: RequestHandler;
  readonly #limit: WorkLimit;
  readonly #onRefused: ((client: string) => void) | undefined;
  #loop: Promise<void> | undefined;

  /**
   * @param handler - what answers each request.
   * @param options - work bounds and socket options.
   */
  constructor(handler: RequestHandler, options: RequestServiceOptions = {}) {
    this.#handler = handler;
    this.#onRefused = options.onRefused;
    this.socket = new Router({ linger: 0, ...options.socket });
    const bounds = {
      maxConcurrency: options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      maxRunningPerClient: options.maxRunningPerClient,
      maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
      maxQueuePerClient: options.maxQueuePerClient ?? DEFAULT_MAX_QUEUE_PER_CLIENT,
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      maxQueuedBytesPerClient: options.maxQueuedBytesPerClient ?? DEFAULT_MAX_QUEUED_BYTES_PER_CLIENT,
    };
    this.#limit = new WorkLimit(bounds, routerPeerPresence(this.socket));
  }

  /** Requests being handled now. */
  get running(): number {
    return this.#limit.running;
  }

  /** Requests waiting for a slot (a batch counts its calls). */
  get queued(): number {
    return this.#limit.queued;
  }

  /** Octets of the requests waiting for a slot. */
  get queuedBytes(): number {
    return this.#limit.queuedBytes;
  }

  /** Binds (tcp, ipc, inproc) and starts serving; `socket.lastEndpoint` tells the real address. */
  async bind(address: string): Promise<void> {
    await this.socket.bind(address);
    this.start();
  }

  /** Connects to a peer (e.g. a broker) and starts serving over that connection too. */
  connect(address: string): void {
    this.socket.connect(address);
    this.start();
  }

  /** Stops listening on one endpoint. */
  async unbind(address: string): Promise<void> {
    await this.socket.unbind(address);
  }

  /** Stops serving; replies still being computed are dropped. */
  close(): void {
    this.socket.close();
  }

  /** True once closed. */
  get closed(): boolean {
    return this.socket.closed;
  }

  private start(): void {
    this.#loop ??= this.serve();
  }

  private async serve(): Promise<void> {
    for (;;) {
      let msg: Message;
      try {
        msg = await this.socket.receive();
      } catch {
        if (this.socket.closed) return;
        continue; // a pattern-level refusal: the next message is independent
      }
      // Requests that came with this one are dispatched at once, not one promise job each.
      for (let next: Message | undefined = msg; next !== undefined; next = takeQueued(this.socket)) this.dispatch(next);
    }
  }

  private dispatch(msg: Message): void {
    // Envelope: the routing id, then whatever the client put before its empty
    // delimiter (a correlation id, proxy hops). A peer without a delimiter
    // (a bare DEALER) gets its reply without one.
    let delimiter = -1;
    for (let i = 1; i < msg.length; i++) {
      if (msg[i]!.length === 0) {
        delimiter = i;
        break;
      }
    }
    const envelope = delimiter < 0 ? msg.slice(0, 1) : msg.slice(0, delimiter + 1);
    const body = msg.slice(envelope.length);
    let bytes = 0;
    for (const frame of msg) bytes += frame.length;
    // The routing id names the connection; the rest of the envelope is the peer's to choose.
    const client = this.socket[ROUTING_KEY](msg[0]!);
    const peer: RequestPeer = { id: client, send: (frames) => this.reply(envelope, frames) };
    if (this.#handler.control?.(body, peer) === true) return;
    const handler = this.#handler;
    const weightOf = handler.weight === undefined ? undefined : () => handler.weight!(body);
    const accepted = this.#limit.tryRun(client, bytes, () => this.answer(peer, body), weightOf);
    if (accepted) return;
    trace("rpc server: busy, refused a request of %d octets", bytes);
    notify(this.#onRefused, client);
    const refusal = this.#handler.busy(body);
    if (refusal !== undefined) void peer.send(refusal);
  }

  /** Runs a request; a promise only while its reply is not known yet (the work slot is held until then). */
  private answer(peer: RequestPeer, body: Buffer[]): Promise<void> | undefined {
    const reply = this.#handler.handle(body, peer);
    if (reply instanceof Promise) return reply.then((frames) => (frames === undefined ? undefined : peer.send(frames)));
    if (reply !== undefined) void peer.send(reply);
    return undefined;
  }

  private reply(envelope: Buffer[], reply: Buffer[]): Promise<void> {
    const socket = this.socket;
    if (socket.closed) return Promise.resolve();
    const frames = joinParts(envelope, reply);
    // Send failures mean the peer went away or the socket closed: nobody is left to answer.
    try {
      // A ROUTER queues a reply at once (or drops it, its peer gone): no promise, no turn.
      if (socket[SEND_OWNED_NOW](frames)) return RESOLVED;
      return socket[SEND_OWNED](frames).catch(ignore);
    } catch {
      return RESOLVED;
    }
  }
}

const RESOLVED = Promise.resolve();

function ignore(): void {}

/**
 * Whether the peer with a routing id (as latin1 text) is still connected.
 * The socket layer has no public question for it yet, so this reads the
 * ROUTER's own route table (the one its sends are routed by); if that ever
 * changes shape, every client counts as present and only the drop of a gone
 * client's waiting requests is lost, not any bound.
 */
function routerPeerPresence(router: Router): (client: string) => boolean {
  const routes = (router as unknown as { routes?: unknown }).routes;
  if (!(routes instanceof Map)) return () => true;
  return (client) => routes.has(client);
}
