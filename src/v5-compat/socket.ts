/**
 * The socket of the v5 API: an EventEmitter over one purezmq socket.
 * Messages arrive as `message` events (one argument per part), `send()`
 * queues and calls back, `pause()` holds both directions, `monitor()`
 * turns the socket's events into v5 events, and options are read and set
 * by name or ZMQ_* number.
 */
import { EventEmitter } from "node:events";
import type { ZmqError } from "../zmtp/errors.js";
import { hold, release } from "../zmtp/keep-alive.js";
import type { MessageLike } from "../zmtp/message.js";
import type { Observer } from "../zmtp/observer.js";
import type { Socket as CoreSocket } from "../zmtp/socket/socket.js";
import { Subscriber } from "../zmtp/socket/sub.js";
import { ZMQ_SNDMORE } from "./constants.js";
import { startMonitor } from "./monitor.js";
import { optionNumber, shortOptions, type OptionName } from "./option-names.js";
import { readOption, writeOption } from "./option-table.js";
import { alternates, makeSocket, sendsOnly, type SocketType } from "./socket-types.js";

/** Called when an operation is done: with no argument, or with its error. */
export type Callback = (err?: Error) => void;

/** A message waiting to be sent, and who to tell. */
interface Outgoing {
  readonly parts: MessageLike[];
  readonly callback: Callback | undefined;
}

const MONITOR_ARGUMENTS_IGNORED = "Arguments to monitor() are ignored in compatibility mode; all events are read automatically";
const READ_REMOVED = "read() has been removed from compatibility mode; use on('message', ...) instead.";

/**
 * A socket of the v5 API. Make one with {@link createSocket} (`socket`).
 *
 * Events: `message` (each part a Buffer, as separate arguments), `bind`
 * and `unbind` (with the address) after {@link bind}/{@link unbind},
 * `error` for a failure no callback was given for, and after
 * {@link monitor} the connection events `connect`, `connect_delay`,
 * `connect_retry`, `listen`, `bind_error`, `accept`, `accept_error`,
 * `close`, `close_error` and `disconnect`, each as `(value, address, error)`.
 *
 * The short option names of `options` are properties too:
 * `sock.identity = "a"` is `sock.setsockopt("identity", Buffer.from("a"))`.
 */
export class Socket extends EventEmitter {
  /** Options and anything else v5 code sets on a socket. */
  [key: string]: any;

  /** The v5 socket type name. */
  type: SocketType;
  readonly #socket: CoreSocket;
  /** Parts given with ZMQ_SNDMORE, waiting for the last one. */
  #parts: MessageLike[] = [];
  /** Whole messages waiting to be sent (send() never blocks; the callback tells when one went). */
  readonly #outbox: Outgoing[] = [];
  #paused = false;
  #sending = false;
  #reading = false;
  /** A message that arrived as the socket was paused: the first one delivered on resume(). */
  #held: Buffer[] | undefined;
  /**
   * REQ and REP only: the socket's turn is to send. These two alternate,
   * and purezmq fails a receive out of turn (EFSM) where libzmq's waits,
   * so the read loop reads only in turn: a REQ after each request, a REP
   * after each reply.
   */
  #mustSend: boolean;
  /** REQ and REP only: the process hold standing for the receive a v5 socket always has pending (released by close()). */
  #holding = false;
  #observer: Observer | undefined;

  /**
   * A socket of type `type`.
   * @throws Error "Invalid socket type: ..." for an unknown type name.
   */
  constructor(type: SocketType) {
    super();
    this.#socket = makeSocket(type);
    this.type = type;
    this.#mustSend = type === "req";
    if (alternates(type)) {
      // A v5 socket always waits for messages, which keeps the process up
      // until close(); these wait only in turn, so a hold stands in.
      hold();
      this.#holding = true;
    }
    void this.#read();
  }

  /** Whether the socket is closed. */
  get closed(): boolean {
    return this.#socket.closed;
  }

  /**
   * Binds to `address`; `callback` (or, without one, an `error` event)
   * gets the failure. A `bind` event with the address comes first on
   * success. The socket refuses other calls until then, as in zeromq.js.
   * @throws ZmqError EBUSY during another bind or unbind, EBADF once closed.
   */
  bind(address: string, callback?: Callback): this {
    this.#settle(this.#socket.bind(address), "bind", address, callback);
    return this;
  }

  /** Stops listening on `address`, like {@link bind}, with an `unbind` event. */
  unbind(address: string, callback?: Callback): this {
    this.#settle(this.#socket.unbind(address), "unbind", address, callback);
    return this;
  }

  /**
   * Binds to `address` without a callback. An invalid endpoint throws at
   * once; node:net cannot listen synchronously, so the listener starts in
   * the background: a failure to listen (EADDRINUSE) comes as an `error`
   * event, and `last_endpoint` tells a port chosen by the system once
   * listening. Peers that connect meanwhile retry until then.
   */
  bindSync(address: string): void {
    this.#socket.bindInBackground(address).catch((err: Error) => this.#fail(err));
  }

  /**
   * Stops listening on `address` before returning.
   * @throws ZmqError ENOENT for an endpoint that is not bound.
   */
  unbindSync(address: string): void {
    this.#socket.unbindAtOnce(address);
  }

  /** Connects to `address` (in the background; reconnects after failures). */
  connect(address: string): this {
    this.#socket.connect(address);
    return this;
  }

  /** Drops the connection made by {@link connect} to `address`. */
  disconnect(address: string): this {
    this.#socket.disconnect(address);
    return this;
  }

  /**
   * Sends a message: one part, or an array of parts. With `flags`
   * ZMQ_SNDMORE the parts wait for the rest of the message, which the
   * next send() without it completes. `callback` is called once the whole
   * message is queued, or with the error; without one, an error is an
   * `error` event. Messages go in order, none while paused.
   */
  send(message: MessageLike | MessageLike[], flags: number | null | undefined = 0, callback?: Callback): this {
    this.#parts = this.#parts.concat(message);
    if (((flags ?? 0) | 0) & ZMQ_SNDMORE) return this;
    this.#outbox.push({ parts: this.#parts, callback });
    this.#parts = [];
    if (!this.#paused) void this.#flush();
    return this;
  }

  /** @throws Error always: v5's read() is gone; messages come as `message` events. */
  read(): never {
    throw new Error(READ_REMOVED);
  }

  /** Holds incoming messages (no `message` events) and outgoing ones until {@link resume}. */
  pause(): void {
    this.#paused = true;
  }

  /** Delivers the held messages, in order, and sends the queued ones. */
  resume(): void {
    this.#paused = false;
    const held = this.#held;
    this.#held = undefined;
    if (held) this.#deliver(held);
    void this.#read();
    void this.#flush();
  }

  /** Closes the socket (queued messages are still delivered for up to `linger` ms). */
  close(): this {
    this.#socket.close();
    if (this.#holding) {
      this.#holding = false;
      release();
    }
    return this;
  }

  /**
   * Reports the socket's connection events as v5 events on this socket
   * (see the class). zeromq.js's v6 layer ignores both arguments and
   * warns when they are given; so does this one.
   */
  monitor(interval?: number, numberOfEvents?: number): this {
    if (interval || numberOfEvents) process.emitWarning(MONITOR_ARGUMENTS_IGNORED);
    this.#observer?.close();
    this.#observer = startMonitor(
      this.#socket,
      (name, value, address, error) => this.emit(name, value, address, error),
      (err) => this.emit("error", err),
    );
    return this;
  }

  /** Stops the events {@link monitor} started. */
  unmonitor(): this {
    this.#observer?.close();
    this.#observer = undefined;
    return this;
  }

  /**
   * Subscribes a SUB socket to messages starting with `filter`.
   * @throws Error "Subscriber socket required" on other types.
   */
  subscribe(filter: string | Buffer): this {
    this.#subscriber().subscribe(filter);
    return this;
  }

  /** Cancels a subscription made with {@link subscribe}. */
  unsubscribe(filter: string | Buffer): this {
    this.#subscriber().unsubscribe(filter);
    return this;
  }

  /**
   * Sets an option, by short name (`"linger"`) or ZMQ_* number.
   * @throws Error "Unknown option" for a name or number the v5 API cannot
   *   set; the socket's own errors for a bad value.
   */
  setsockopt(option: number | OptionName, value: unknown): this {
    writeOption(this.#socket, optionNumber(option), value);
    return this;
  }

  /**
   * Reads an option, by short name or ZMQ_* number (flags read as 1 or 0).
   * @throws Error "Unknown option" for a name or number the v5 API cannot read.
   */
  getsockopt(option: number | OptionName): any {
    return readOption(this.#socket, optionNumber(option));
  }

  #subscriber(): Subscriber {
    if (this.#socket instanceof Subscriber) return this.#socket;
    throw new Error("Subscriber socket required");
  }

  /** Turns a bind/unbind promise into the v5 event and callback, after the current tick as v5 code expects. */
  #settle(operation: Promise<void>, event: "bind" | "unbind", address: string, callback: Callback | undefined): void {
    operation.then(
      () =>
        process.nextTick(() => {
          this.emit(event, address);
          callback?.();
        }),
      (err: Error) => this.#fail(err, callback),
    );
  }

  /** Gives `err` to `callback`, or without one emits it as an `error` event, after the current tick. */
  #fail(err: Error, callback?: Callback): void {
    process.nextTick(() => {
      if (callback) callback(err);
      else this.emit("error", err);
    });
  }

  #deliver(message: Buffer[]): void {
    process.nextTick(() => this.emit("message", ...message));
  }

  /** Whether the read loop may ask for another message now. */
  #mayRead(): boolean {
    if (this.#socket.closed || this.#paused || this.#held) return false;
    return !alternates(this.type) || !this.#mustSend;
  }

  /** Reads messages into `message` events while the socket is open, not paused (and, for REQ and REP, in turn). */
  async #read(): Promise<void> {
    if (this.#reading || sendsOnly(this.type)) return;
    this.#reading = true;
    try {
      while (this.#mayRead()) {
        let message: Buffer[];
        try {
          message = await this.#socket.receive();
        } catch (err) {
          // A receive that close() cancelled is no error for v5 code.
          if (!this.#socket.closed && (err as ZmqError).code !== "EBUSY") this.#fail(err as Error);
          // A failure that repeats at once (a receiveTimeout of 0) must not starve the event loop.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        if (alternates(this.type)) this.#mustSend = true;
        if (this.#paused) this.#held = message;
        else this.#deliver(message);
      }
    } finally {
      this.#reading = false;
    }
  }

  /** Sends the queued messages in order while the socket is open and not paused. */
  async #flush(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (!this.#socket.closed && !this.#paused && this.#outbox.length > 0) {
        const { parts, callback } = this.#outbox.shift()!;
        try {
          await this.#socket.send(parts);
        } catch (err) {
          // Never from inside send(): code after the call may still be adding its listeners.
          this.#fail(err as Error, callback);
          continue;
        }
        if (alternates(this.type)) {
          this.#mustSend = false;
          void this.#read();
        }
        callback?.();
      }
    } finally {
      this.#sending = false;
    }
  }
}

// Each short option name is a property of the socket, as in v5: a string
// value is set as its UTF-8 bytes.
for (const name of Object.keys(shortOptions) as OptionName[]) {
  Object.defineProperty(Socket.prototype, name, {
    get(this: Socket) {
      return this.getsockopt(name);
    },
    set(this: Socket, value: unknown) {
      this.setsockopt(name, typeof value === "string" ? Buffer.from(value, "utf8") : value);
    },
    configurable: true,
  });
}
