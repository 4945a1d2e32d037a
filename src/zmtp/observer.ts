/**
 * Socket events, as zeromq.js v6 reports them through `socket.events`:
 * listeners by type with `on`/`off`, or an async iterator of every event.
 */
import { holdUntilSettled } from "./keep-alive.js";

import { ZmqError } from "./errors.js";

/** Event types, named as in zeromq.js. */
export type EventType =
  | "accept" | "accept:error" | "bind" | "bind:error" | "connect" | "connect:delay" | "connect:retry"
  | "close" | "close:error" | "disconnect" | "end" | "handshake" | "handshake:error:protocol"
  | "handshake:error:auth" | "handshake:error:other" | "unknown";

/** An error attached to an event, with a stable code. */
export interface EventError extends Error {
  code: string;
}

/** One socket event. */
export interface Event {
  type: EventType;
  /** The endpoint concerned, as given to bind/connect or as bound. */
  address?: string;
  /** For `connect:retry`: milliseconds until the next attempt. */
  interval?: number;
  /** For `*:error*` events: what went wrong. */
  error?: EventError;
}

/** Events kept for a reader that is not reading; the oldest go first. */
const QUEUE_LIMIT = 1000;

/** The observer of one socket's events. */
export class Observer implements AsyncIterable<Event> {
  private readonly listeners = new Map<EventType, Set<(event: Event) => void>>();
  private readonly queue: Event[] = [];
  private waiter: ((event: Event | undefined) => void) | undefined;
  private ended = false;
  /** Set by the first on(): events then go to listeners only, as in zeromq.js. */
  private emitterMode = false;

  /** True once the socket is closed and every event was taken. */
  get closed(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /**
   * Calls `listener` for every event of `type`. As in zeromq.js, the
   * observer is then in event emitter mode for good: receive() throws.
   */
  on(type: EventType, listener: (event: Event) => void): this {
    this.emitterMode = true;
    this.queue.length = 0;
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off(type: EventType, listener: (event: Event) => void): this {
    this.listeners.get(type)?.delete(listener);
    return this;
  }

  /**
   * The next event. Throws, as zeromq.js does, after on() (event emitter
   * mode) and once the socket has closed and every event was taken
   * (ENOTSOCK).
   */
  receive(): Promise<Event | undefined> {
    if (this.emitterMode) {
      throw new Error("Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().");
    }
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) throw new ZmqError("ENOTSOCK");
    return holdUntilSettled(new Promise((resolve) => (this.waiter = resolve)), this);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Event> {
    for (;;) {
      if (this.closed) return;
      const event = await this.receive();
      if (!event) return;
      yield event;
    }
  }

  /** Stops observing; pending readers get the end. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  /** @internal Reports an event. */
  emit(event: Event): void {
    if (this.ended) return;
    const set = this.listeners.get(event.type);
    if (set) for (const l of set) l(event);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(event);
      return;
    }
    if (this.emitterMode) return;
    if (this.queue.length >= QUEUE_LIMIT) this.queue.shift();
    this.queue.push(event);
    if (event.type === "end") this.close();
  }
}
