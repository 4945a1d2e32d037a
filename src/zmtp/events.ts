/**
 * The socket event types, declared as zeromq.js v6 declares them (a union
 * discriminated by `type`, with the details each type carries), so that
 * code narrowing on `event.type` type-checks unchanged against purezmq.
 */

import type { ProtocolReason } from "./wire/index.js";

/** An error with the libzmq error code and number, as zeromq.js gives them. */
export interface ErrnoError extends Error {
  /** The error's name in libzmq (`"EADDRINUSE"`, `"EMFILE"`...). */
  code: string;
  /** The error's number in libzmq (the operating system's where it has one). */
  errno: number;
}

/**
 * The error of a `handshake:error:auth` event: the ZAP status code the
 * server replied, zeromq.js's text for it ("Authentication failure" for
 * 400), and the refusal in purezmq's words as the `cause`.
 */
export interface AuthError extends Error {
  status: 300 | 400 | 500;
}

/**
 * The error of a `handshake:error:protocol` event: libzmq's name for the
 * fault as `code`, zeromq.js's text ("ZMTP protocol error", "ZAP protocol
 * error") as the message, and purezmq's own account as the `cause` (a
 * `ZmtpProtocolError`, whose `code` is finer: EPROTO, EMSGSIZE...).
 */
export interface ProtoError extends Error {
  code: ProtocolReason;
}

/** The endpoint an event concerns. */
export interface EventAddress {
  address: string;
}

/** The reconnect interval of a `connect:retry` event, in milliseconds. */
export interface EventInterval {
  interval: number;
}

/** What went wrong, for the `*:error*` events. */
export interface EventError<E = ErrnoError> {
  error: E;
}

/** Flattens an intersection into one object type, so editors show its fields. */
export type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;

/** One event: its `type` and the details `D` that type carries. */
export type EventFor<T extends string, D = {}> = Expand<{ type: T } & D>;

/**
 * One socket event, as zeromq.js names them: `accept`, `bind`, `connect`,
 * `connect:delay`, `connect:retry` (with `interval`), `close`,
 * `disconnect`, `handshake`, their `*:error*` forms (with `error`), `end`
 * (the socket closed; no event follows) and `unknown`. A `disconnect`
 * has an `error` when purezmq ended the connection for a reason (a bound
 * the peer passed, `idleTimeout`, a protocol error); zeromq.js's has none.
 */
export type Event =
  | EventFor<"accept", EventAddress>
  | EventFor<"accept:error", EventAddress & EventError>
  | EventFor<"bind", EventAddress>
  | EventFor<"bind:error", EventAddress & EventError>
  | EventFor<"connect", EventAddress>
  | EventFor<"connect:delay", EventAddress>
  | EventFor<"connect:retry", EventAddress & EventInterval>
  | EventFor<"close", EventAddress>
  | EventFor<"close:error", EventAddress & EventError>
  | EventFor<"disconnect", EventAddress & Partial<EventError>>
  | EventFor<"end">
  | EventFor<"handshake", EventAddress>
  | EventFor<"handshake:error:protocol", EventAddress & EventError<ProtoError>>
  | EventFor<"handshake:error:auth", EventAddress & EventError<AuthError>>
  | EventFor<"handshake:error:other", EventAddress & EventError>
  | EventFor<"unknown">;

/** Every event type name. */
export type EventType = Event["type"];

/** The event of one type, e.g. `EventOfType<"connect:retry">` has `address` and `interval`. */
export type EventOfType<E extends EventType = EventType> = Expand<Extract<Event, Event & EventFor<E>>>;

/**
 * What the transports report: an event type with whichever details they
 * have. The observer completes it into an {@link Event} (see
 * `Observer.emit`).
 */
export interface ReportedEvent {
  type: EventType;
  address?: string;
  interval?: number;
  error?: Error & { code?: string; errno?: number; status?: number };
}

/** Listens to events of one type (zeromq.js's `EventSubscriber`). */
export interface EventSubscriber {
  /** Calls `listener` with every event of `type`. */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber;
  /** Removes a listener added with `on`. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber;
}
