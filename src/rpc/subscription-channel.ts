/**
 * The receiving side of every publish-subscribe piece of the RPC layer: a
 * SUB socket whose endpoints and subscriptions are remembered, so that a
 * watchdog can replace it. pyzmqrpc3 recreates a SUB socket that has been
 * silent for longer than its timeout, because a half-open TCP link (a
 * publisher's host that vanished without a FIN) leaves a SUB waiting forever;
 * a new socket dials afresh.
 *
 * The watchdog is the socket's receive timeout: when a receive waits
 * `silenceTimeout` ms with nothing queued, the socket is closed and a new
 * one is made with the same subscriptions, connections and (resolved) bound
 * addresses. Nothing already received is lost: a receive times out only when
 * the queue is empty. Publishers that are merely quiet should send
 * heartbeats more often than the timeout (see `CommandPublisher`).
 *
 * One consumer at a time: {@link SubscriptionChannel.receive} must not be
 * called again before the previous call settled (the socket answers `EBUSY`).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Subscriber, ZmqError, type SubscriberOptions } from "../index.js";
import type { Message } from "../zmtp/pipe.js";
import { RpcClosedError } from "./errors.js";
import { securitySocketOptions, type CurveOptions, type PlainOptions } from "./security.js";

/** Options of a {@link SubscriptionChannel}. */
export interface SubscriptionChannelOptions {
  /**
   * Milliseconds without any message after which the SUB socket is
   * recreated (pyzmqrpc3's `recreate_timeout`); `0` or absent: never.
   */
  readonly silenceTimeout?: number;
  /** ZMTP PLAIN credentials presented to the publisher (the publisher is the PLAIN server). */
  readonly plain?: PlainOptions;
  /** CURVE: the server's public key, and this side's key pair if it has one (see {@link CurveOptions}); not with `plain`. */
  readonly curve?: CurveOptions;
  /** Options of the underlying SUB socket (zeromq.js names). */
  readonly socket?: SubscriberOptions & Record<string, unknown>;
}

/** A SUB socket that can be replaced without losing its endpoints and subscriptions. */
export class SubscriptionChannel {
  readonly #silence: number;
  readonly #socketOptions: Record<string, unknown>;
  readonly #connected: string[] = [];
  readonly #bound: string[] = [];
  readonly #topics: Buffer[] = [];
  #socket: Subscriber;
  #recreations = 0;
  #closed = false;

  /** @param options - watchdog, security and socket options. */
  constructor(options: SubscriptionChannelOptions = {}) {
    const silence = options.silenceTimeout ?? 0;
    if (!(silence >= 0)) throw new RangeError("silenceTimeout must be 0 or more milliseconds");
    this.#silence = Number.isFinite(silence) ? silence : 0;
    this.#socketOptions = { linger: 0, ...securitySocketOptions(options, "client"), ...options.socket };
    this.#socket = this.open();
  }

  /** The current SUB socket (for `events`); replaced when the watchdog recreates it. */
  get socket(): Subscriber {
    return this.#socket;
  }

  /** How many times the watchdog recreated the socket. */
  get recreations(): number {
    return this.#recreations;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The last endpoint bound, with the real port. */
  get endpoint(): string | null {
    return this.#bound.at(-1) ?? null;
  }

  /** Connects to a publisher (kept across recreations). */
  connect(address: string): void {
    this.assertOpen();
    this.#socket.connect(address);
    this.#connected.push(address);
  }

  /** Listens for publishers that connect (the resolved address is kept across recreations). */
  async bind(address: string): Promise<void> {
    this.assertOpen();
    await this.#socket.bind(address);
    this.#bound.push(this.#socket.lastEndpoint ?? address);
  }

  /** Subscribes to each topic prefix; with none, to every message. */
  subscribe(...prefixes: Array<string | Uint8Array>): void {
    this.assertOpen();
    const topics = toTopics(prefixes);
    this.#socket.subscribe(...topics);
    this.#topics.push(...topics);
  }

  /** Cancels one subscription to each prefix; with none, one to every message. */
  unsubscribe(...prefixes: Array<string | Uint8Array>): void {
    this.assertOpen();
    const topics = toTopics(prefixes);
    this.#socket.unsubscribe(...topics);
    for (const topic of topics) {
      const i = this.#topics.findIndex((t) => t.equals(topic));
      if (i >= 0) this.#topics.splice(i, 1);
    }
  }

  /**
   * The next message, from whichever socket is current.
   *
   * @throws RpcClosedError once closed; ZmqError `EACCES` when the publisher
   *   refused our PLAIN credentials (no reconnection follows: fix the
   *   credentials and make a new subscriber); other socket errors as they come.
   */
  async receive(): Promise<Message> {
    for (;;) {
      if (this.#closed) throw new RpcClosedError("subscriber");
      const socket = this.#socket;
      try {
        return await socket.receive();
      } catch (err) {
        if (this.#closed) throw new RpcClosedError("subscriber");
        if (socket !== this.#socket) continue;
        if (err instanceof ZmqError && err.code === "EAGAIN" && this.#silence > 0) {
          await this.recreate().catch((bindErr: unknown) => {
            if (!this.#closed) throw bindErr;
          });
          continue;
        }
        throw err;
      }
    }
  }

  /** Closes the socket; a waiting {@link receive} rejects with RpcClosedError. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }

  private open(): Subscriber {
    const socket = new Subscriber(this.#socketOptions);
    if (this.#silence > 0) socket.receiveTimeout = this.#silence;
    return socket;
  }

  /** Replaces the socket; a failure to bind again surfaces from the receive that was waiting. */
  private async recreate(): Promise<void> {
    this.#recreations++;
    this.#socket.close();
    const socket = this.open();
    this.#socket = socket;
    if (this.#topics.length > 0) socket.subscribe(...this.#topics);
    for (const address of this.#connected) socket.connect(address);
    for (const address of this.#bound) await socket.bind(address);
  }

  private assertOpen(): void {
    if (this.#closed) throw new RpcClosedError("subscriber");
  }
}

const ALL: Buffer[] = [Buffer.alloc(0)];

function toTopics(prefixes: ReadonlyArray<string | Uint8Array>): Buffer[] {
  if (prefixes.length === 0) return ALL;
  return prefixes.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}
