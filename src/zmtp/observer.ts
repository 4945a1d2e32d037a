/**
 * Socket events, as zeromq.js v6 reports them through `socket.events`:
 * listeners by type with `on`/`off`, or `receive()` and an async iterator
 * of every event.
 */
import { closedError, ZmqError } from "./errors.js";
import type { Event, EventOfType, EventSubscriber, EventType, ReportedEvent } from "./events.js";
import { holdUntilSettled } from "./keep-alive.js";
import { libzmqShaped } from "./event-errors.js";

/** Events kept for a reader that is not reading; the oldest go first. */
const QUEUE_LIMIT = 1000;

/** The observers of each socket; a socket is in here once it is built. */
const observersOf = new WeakMap<object, Set<Observer>>();
/** What a closed socket has: no observer, and none may join (ENOTSOCK). */
const CLOSED = new Set<Observer>();

/** @internal Lets observers attach to `socket` (the Socket constructor calls it). */
export function makeObservable(socket: object): void {
  observersOf.set(socket, new Set());
}

/** @internal Reports an event to every observer of `socket`. */
export function reportEvent(socket: object, event: ReportedEvent): void {
  const set = observersOf.get(socket);
  if (!set || set.size === 0) return;
  const shaped = libzmqShaped(event);
  for (const observer of set) observer.emit(shaped);
}

/** @internal Ends every observer of `socket` (it closed); no new one may observe it. */
export function endObservers(socket: object): void {
  const set = observersOf.get(socket);
  observersOf.set(socket, CLOSED);
  if (set) for (const observer of set) observer.close();
}

/**
 * The observer of one socket's events, from the moment it is made:
 * `socket.events` is one, made when it is first read (as in zeromq.js, the
 * events before that are not seen), and `new Observer(socket)` another.
 */
export class Observer implements EventSubscriber, AsyncIterable<Event> {
  private readonly listeners = new Map<EventType, Set<(event: Event) => void>>();
  private readonly queue: Event[] = [];
  private waiter: { resolve: (event: Event) => void; reject: (err: Error) => void } | undefined;
  private ended = false;
  /** Set by the first on(): events then go to listeners only, as in zeromq.js. */
  private emitterMode = false;

  /**
   * Observes `socket` (zeromq.js checks its argument the same way).
   * @throws TypeError when `socket` is not an object or more arguments are
   *   given; Error "Invalid argument" for an object that is not a socket;
   *   ENOTSOCK for a closed socket.
   */
  constructor(socket: object) {
    // Typed `object`, not Socket: the socket module imports this one and
    // imports go one way; what is a socket is checked at run time.
    // The checks, order and texts of zeromq.js, which has no TypeScript to stop a wrong call.
    if (socket === null || typeof socket !== "object") throw new TypeError("Socket must be a socket object");
    if (arguments.length > 1) throw new TypeError(`Expected 1 argument but received ${arguments.length}`);
    const set = observersOf.get(socket);
    if (!set) throw new Error("Invalid argument");
    if (set === CLOSED) throw new ZmqError("ENOTSOCK");
    set.add(this);
  }

  /** True once the socket (or this observer) is closed and every event was taken. */
  get closed(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /**
   * Calls `listener` with every event of `type`, narrowed to that type's
   * details. As in zeromq.js, the observer is then in event emitter mode
   * for good: receive() throws.
   */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    this.emitterMode = true;
    this.queue.length = 0;
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (event: Event) => void);
    return this;
  }

  /** Removes a listener added with {@link on}. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    this.listeners.get(type)?.delete(listener as (event: Event) => void);
    return this;
  }

  /**
   * The next event. Throws, as zeromq.js does, after on() (event emitter
   * mode) and once the observer has closed and every event was taken
   * (EBADF; an `end` event comes last when the socket closes).
   */
  receive(): Promise<Event> {
    if (this.emitterMode) {
      throw new Error("Observer is in event emitter mode. After a call to events.on() it is not possible to read events with events.receive().");
    }
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.ended) throw closedError();
    return holdUntilSettled(new Promise((resolve, reject) => (this.waiter = { resolve, reject })), this);
  }

  /** Every event until the observer closes. */
  async *[Symbol.asyncIterator](): AsyncIterator<Event, undefined> {
    while (!this.closed) {
      let event: Event;
      try {
        event = await this.receive();
      } catch (err) {
        if (this.ended) return undefined;
        throw err;
      }
      yield event;
    }
    return undefined;
  }

  /** Stops observing; a pending receive() rejects. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(new ZmqError("ENOTSOCK"));
  }

  /** @internal Reports an event. */
  emit(reported: ReportedEvent): void {
    if (this.ended) return;
    const event = reported as Event;
    const set = this.listeners.get(event.type);
    if (set) for (const l of set) l(event);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(event);
    } else if (!this.emitterMode) {
      if (this.queue.length >= QUEUE_LIMIT) this.queue.shift();
      this.queue.push(event);
    }
    if (event.type === "end") this.close();
  }
}
