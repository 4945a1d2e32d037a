/**
 * The socket base: the zeromq.js v6 public API (bind, connect, send,
 * receive, async iteration, options as properties, events) over the pieces
 * every pattern shares. A pattern (one file per socket type) supplies only
 * how messages are routed: `xsend`, `xrecv` and the pipe hooks.
 */
import { Buffer } from "node:buffer";
import { checkOptionsArgument, notExtensible, optionKeys } from "../assign-options.js";
import { Context, defaultContext } from "../context.js";
import type { EngineOptions } from "../engine.js";
import { ZmqError } from "../errors.js";
import { toParts, type MessageLike } from "../message.js";
import type { ReportedEvent } from "../events.js";
import { makeObservable, Observer, reportEvent } from "../observer.js";
import { Pipe, type Message, type PeerInfo, type PipeOwner } from "../pipe.js";
import { parseEndpoint } from "../transport/endpoint.js";
import { NetDialer, NetListener } from "../transport/net.js";
import { checkPlainCredential, mechanismFactoryFor, securityMechanismName } from "../security/mechanism-select.js";
import type { Authenticator } from "../security/zap.js";
import { SOCKET_TYPE_NUMBER, type MechanismFactory, type SocketTypeName, type ZmtpProtocolError } from "../wire/index.js";

/** Options every socket accepts (zeromq.js v6 names and defaults). */
export interface SocketOptions {
  /** The Context for inproc endpoints and the ZAP handler; the default one if absent. */
  context?: Context;
  routingId?: string | Buffer | null;
  sendHighWaterMark?: number;
  receiveHighWaterMark?: number;
  sendTimeout?: number;
  receiveTimeout?: number;
  linger?: number;
  reconnectInterval?: number;
  reconnectMaxInterval?: number;
  maxMessageSize?: number;
  immediate?: boolean;
  handshakeInterval?: number;
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  heartbeatTimeToLive?: number;
  maxConnections?: number;
  plainServer?: boolean;
  plainUsername?: string | null;
  plainPassword?: string | null;
  zapDomain?: string | null;
  authenticator?: Authenticator | null;
}

type Waiter<T> = {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
};

const RESOLVED = Promise.resolve();

/**
 * Properties that look like options (assignable, primitive) but are the
 * socket's identity or its patterns' state: a constructor option of one of
 * these names is refused as unknown.
 */
const NOT_OPTIONS = new Set([
  "socketType", "isClosed", "boundLast", "plainUser", "plainPass", "conflateMode", "invertMode", "verbosityLevel",
  "manualMode", "welcome", "epoch", "replying", "waiting",
]);

/** The concrete socket classes by libzmq type number, for `new Socket(type)`. */
const classesByType = new Map<number, new (options?: object) => Socket>();

/**
 * @internal Lets `new Socket(type, options)` build sockets of `type` with
 * `ctor` (socket/by-type.ts registers every pattern).
 */
export function registerSocketType(type: number, ctor: new (options?: object) => Socket): void {
  classesByType.set(type, ctor);
}

/** zeromq.js refuses a `context` option (even undefined) that is not a Context, with this bare Error. */
function checkContextOption(options: object | undefined): void {
  if (options !== undefined && "context" in options && !((options as { context?: unknown }).context instanceof Context)) {
    throw new Error("Invalid argument");
  }
}

/**
 * `new Socket(type, options)` as zeromq.js allows it from JavaScript: the
 * same checks in the same order, then a socket of the class of that type.
 */
function socketOfType(args: IArguments): Socket {
  const [type, options] = args as unknown as [unknown, object | undefined];
  if (typeof type !== "number") throw new TypeError("Socket type must be a number");
  checkOptionsArgument(options);
  if (args.length > 2) throw new TypeError(`Expected 2 arguments but received ${args.length}`);
  checkContextOption(options);
  // libzmq reads the type as a C int: ToInt32, as in zeromq.js.
  const n = type | 0;
  const ctor = classesByType.get(n);
  if (ctor) return new ctor(options);
  // STREAM (11) and the DRAFT types (12 to 18) exist in libzmq but are not built here.
  if (n >= 11 && n <= 18) throw new ZmqError("EINVAL", `socket type ${n} (STREAM or DRAFT) is not built in purezmq`);
  throw new ZmqError("EINVAL", "Invalid argument");
}

/** Anything that carries connections for a socket: a listener, a dialer, an inproc link. */
export interface Endpointish {
  readonly address: string;
  close(linger: number): void;
}

/** Base class of every socket type. */
export abstract class Socket implements PipeOwner, AsyncIterable<Message> {
  /** The ZMTP socket type name. */
  abstract readonly socketType: SocketTypeName;
  // Assigned in the constructor, which returns another object for `new Socket(type)`.
  private readonly observer!: Observer;
  private readonly ctx!: Context;

  /** ZMQ_ROUTING_ID: the Identity sent to peers (REQ, DEALER, ROUTER). */
  routingId: string | Buffer | null = null;
  /** ZMQ_SNDHWM: messages queued per peer before send blocks or drops; 0 = no limit. */
  sendHighWaterMark = 1000;
  /** ZMQ_RCVHWM: messages queued per peer before reading from it pauses; 0 = no limit. */
  receiveHighWaterMark = 1000;
  /** ZMQ_SNDTIMEO: ms a blocked send waits before EAGAIN; -1 = forever, 0 = never. */
  sendTimeout = -1;
  /** ZMQ_RCVTIMEO: ms a receive waits before EAGAIN; -1 = forever, 0 = never. */
  receiveTimeout = -1;
  /** ZMQ_LINGER: ms that close() keeps connected peers to deliver queued messages; -1 = until sent. */
  linger = -1;
  /** ZMQ_RECONNECT_IVL: ms before reconnecting; -1 = never reconnect. */
  reconnectInterval = 100;
  /** ZMQ_RECONNECT_IVL_MAX: ms the back-off doubles up to; 0 = no back-off. */
  reconnectMaxInterval = 0;
  /** ZMQ_MAXMSGSIZE: largest frame accepted from a peer; -1 = no limit. */
  maxMessageSize = -1;
  /** ZMQ_IMMEDIATE: queue only to completed connections. */
  immediate = false;
  /** ZMQ_HANDSHAKE_IVL: ms allowed for a handshake; 0 = no limit. */
  handshakeInterval = 30000;
  /** ZMQ_HEARTBEAT_IVL: ms between PINGs; 0 = no heartbeats. */
  heartbeatInterval = 0;
  /** ZMQ_HEARTBEAT_TIMEOUT: ms to wait for traffic after a PING; -1 or 0 = the interval. */
  heartbeatTimeout = -1;
  /** ZMQ_HEARTBEAT_TTL: ms the peer should wait for our traffic; 0 = none. */
  heartbeatTimeToLive = 0;
  /**
   * Connections each bound tcp/ipc endpoint holds at most (purezmq's own
   * option; libzmq has no such bound): further peers are closed as soon as
   * they are accepted, with an `accept:error` event (code EMFILE), so a
   * connection flood cannot exhaust memory or file descriptors; -1 = no limit.
   */
  maxConnections = 10_000;

  private boundLast: string | null = null;

  /** ZMQ_PLAIN_SERVER: act as PLAIN server; peers must authenticate (see {@link authenticator}). */
  plainServer = false;
  /** ZMQ_ZAP_DOMAIN: the domain sent in ZAP requests. */
  zapDomain: string | null = null;
  /**
   * How a PLAIN server decides on a client (purezmq's own option): a
   * function given the ZAP request (see `plainAuthenticator` for a user
   * table with address lists). When null, the ZAP handler bound at
   * `inproc://zeromq.zap.01` in this socket's context is asked, as in
   * libzmq; with neither, every client is refused with ZAP status 500.
   */
  authenticator: Authenticator | null = null;
  private plainUser: string | null = null;
  private plainPass: string | null = null;
  /** Set when a peer refused the handshake for good (credentials, mechanism, socket type); cleared by connect(). */
  private refusal: ZmqError | undefined;

  private readonly endpoints = new Map<string, Endpointish[]>();
  private readonly pipes = new Set<Pipe>();
  private sendWaiter: (Waiter<void> & { msg: Message }) | undefined;
  private recvWaiter: Waiter<Message> | undefined;
  private isClosed = false;

  /**
   * Checks the options argument as zeromq.js does (each concrete class then
   * applies the options with {@link setOptions}). From JavaScript,
   * `new Socket(type, options)` builds a socket of the libzmq type number
   * `type`, as zeromq.js allows: a `new Socket(5)` is a Dealer.
   * @throws TypeError for options that are not an object; Error "Invalid
   *   argument" for a `context` option that is not a Context.
   */
  protected constructor(options: SocketOptions | undefined) {
    if (new.target === Socket) return socketOfType(arguments);
    checkOptionsArgument(options);
    checkContextOption(options);
    this.ctx = options?.context ?? defaultContext;
    // libzmq gives the sockets of a non-blocky context a linger of 0.
    if (!this.ctx.blocky) this.linger = 0;
    makeObservable(this);
    this.observer = new Observer(this);
  }

  /** Socket events (zeromq.js `socket.events`): every event since the socket was made. */
  get events(): Observer {
    return this.observer;
  }

  /** The context the socket belongs to. */
  get context(): Context {
    return this.ctx;
  }

  /** The last endpoint bound, with the real port when port 0 or `*` was asked. */
  get lastEndpoint(): string | null {
    return this.boundLast;
  }

  /** ZMQ_THREAD_SAFE: false, as for every socket type zeromq.js builds outside DRAFT. */
  get threadSafe(): boolean {
    return false;
  }

  /** Alias of {@link handshakeInterval}, in milliseconds. */
  get handshakeTimeout(): number {
    return this.handshakeInterval;
  }
  set handshakeTimeout(ms: number) {
    this.handshakeInterval = ms;
  }

  /**
   * ZMQ_PLAIN_USERNAME: 1 to 255 octets; non-null makes connections PLAIN
   * clients. A refused client does not reconnect: set the right
   * credentials and call connect() again.
   */
  get plainUsername(): string | null {
    return this.plainUser;
  }
  set plainUsername(value: string | null) {
    this.plainUser = checkPlainCredential(value, "plainUsername");
  }

  /** ZMQ_PLAIN_PASSWORD: 1 to 255 octets; non-null makes connections PLAIN clients. */
  get plainPassword(): string | null {
    return this.plainPass;
  }
  set plainPassword(value: string | null) {
    this.plainPass = checkPlainCredential(value, "plainPassword");
  }

  /** ZMQ_MECHANISM: the security mechanism of new connections, as zeromq.js reports it. */
  get securityMechanism(): null | "plain" {
    return securityMechanismName(this);
  }

  /** The libzmq number of this socket type. */
  get type(): number {
    return SOCKET_TYPE_NUMBER[this.socketType];
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** True when receive() would resolve at once. */
  get readable(): boolean {
    return !this.isClosed && this.xreadable();
  }

  /** True when send() would queue at once. */
  get writable(): boolean {
    return !this.isClosed && this.xwritable();
  }

  /**
   * Seals the socket, as zeromq.js's are, then applies the constructor
   * options through the properties (each concrete class calls it last,
   * once its own fields exist). A key that is no option of this socket
   * type throws zeromq.js's TypeError; an option given as undefined is
   * left at its default.
   */
  protected setOptions(options: object | undefined): void {
    Object.seal(this);
    if (!options) return;
    for (const key of optionKeys(options)) {
      if (key === "context") continue;
      const value = (options as Record<PropertyKey, unknown>)[key];
      // A read-only property or method throws its own TypeError when assigned.
      if (typeof key === "string" && !this.isOption(key) && !this.isReadOnly(key)) throw notExtensible(key);
      if (value !== undefined) (this as Record<PropertyKey, unknown>)[key] = value;
    }
  }

  /** Whether `key` is a getter without setter or a read-only method, which assignment refuses by itself. */
  private isReadOnly(key: string): boolean {
    for (let o: object | null = this; o !== null; o = Object.getPrototypeOf(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, key);
      if (desc) return "value" in desc ? desc.writable === false : desc.set === undefined;
    }
    return false;
  }

  /**
   * Whether `key` names a settable option: a property that is not a method,
   * not a read-only accessor and not the socket's own state (objects other
   * than Buffers, the type, the closed flag), so a stray key cannot break it.
   */
  private isOption(key: string): boolean {
    if (!(key in this) || NOT_OPTIONS.has(key)) return false;
    const value = (this as Record<string, unknown>)[key];
    if (typeof value === "function" || value === undefined) return false;
    if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) return false;
    for (let o: object | null = this; o !== null; o = Object.getPrototypeOf(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, key);
      if (desc) return "value" in desc ? desc.writable === true : desc.set !== undefined;
    }
    return false;
  }

  // ---- endpoints

  /**
   * Binds to an endpoint and starts accepting peers. Resolves once listening;
   * {@link lastEndpoint} then tells the real address.
   */
  async bind(address: string): Promise<void> {
    this.assertOpen();
    const ep = parseEndpoint(address, true);
    let bound: Endpointish & { address: string };
    if (ep.transport === "inproc") {
      this.context.inproc.bind(ep.name, this);
      bound = { address, close: () => this.context.inproc.unbind(ep.name, this) };
    } else {
      const listener = new NetListener(this, ep);
      try {
        await listener.listen();
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const code = e.code === "EADDRINUSE" ? "EADDRINUSE" : e.code === "EADDRNOTAVAIL" ? "EADDRNOTAVAIL" : "EINVAL";
        const error = new ZmqError(code, `cannot bind to ${address}: ${e.message}`, address);
        this.emit({ type: "bind:error", address, error });
        throw error;
      }
      if (this.isClosed) {
        listener.close(0);
        throw new ZmqError("ENOTSOCK", "socket closed while binding", address);
      }
      bound = listener;
    }
    this.addEndpoint(address, bound);
    if (bound.address !== address) this.addEndpoint(bound.address, bound);
    this.boundLast = bound.address;
    this.emit({ type: "bind", address: bound.address });
  }

  /** Stops listening on an endpoint given to bind() (or its resolved form). */
  async unbind(address: string): Promise<void> {
    this.assertOpen();
    const list = this.endpoints.get(address);
    if (!list) throw new ZmqError("ENOENT", `not bound to ${address}`, address);
    for (const ep of list) {
      ep.close(0);
      for (const [k, v] of this.endpoints) if (v.includes(ep)) this.removeEndpoint(k, ep);
    }
  }

  /**
   * Connects to an endpoint. Returns at once; the connection is made (and
   * remade after failures) in the background. Messages sent meanwhile wait
   * in the pipe unless `immediate` is set.
   */
  connect(address: string, options?: { routingId?: string | Buffer }): void {
    this.assertOpen();
    const ep = parseEndpoint(address, false);
    this.refusal = undefined;
    const connectId = options?.routingId === undefined ? undefined : Buffer.from(options.routingId);
    if (ep.transport === "inproc") {
      this.addEndpoint(address, this.context.inproc.connect(ep.name, this, address, connectId));
    } else {
      this.addEndpoint(address, new NetDialer(this, ep, address, connectId));
    }
  }

  /** Drops the connection(s) made by connect() to an endpoint. */
  disconnect(address: string): void {
    this.assertOpen();
    const list = this.endpoints.get(address);
    if (!list) throw new ZmqError("ENOENT", `not connected to ${address}`, address);
    for (const ep of list) ep.close(0);
    this.endpoints.delete(address);
  }

  /**
   * Closes the socket. Queued messages to connected peers are still
   * delivered for up to {@link linger} ms; pending send/receive calls reject.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const seen = new Set<Endpointish>();
    for (const list of this.endpoints.values()) {
      for (const ep of list) {
        if (seen.has(ep)) continue;
        seen.add(ep);
        ep.close(this.linger);
      }
    }
    this.endpoints.clear();
    const err = new ZmqError("ETERM", "socket closed");
    this.rejectWaiters(err);
    this.emit({ type: "end" });
    this.events.close();
  }

  // ---- messages

  /**
   * Queues a message (one part or an array of parts). Resolves at once when
   * queued; waits when the pattern must block (high-water mark, no peer),
   * up to {@link sendTimeout}.
   */
  send(message: MessageLike | MessageLike[]): Promise<void> {
    if (this.isClosed) return Promise.reject(new ZmqError("ENOTSOCK", "socket is closed"));
    if (this.sendWaiter) return Promise.reject(new ZmqError("EBUSY", "a previous send is still blocked"));
    const msg = toParts(message);
    try {
      if (this.xsend(msg)) return RESOLVED;
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.sendTimeout === 0) return Promise.reject(new ZmqError("EAGAIN", "cannot queue the message now"));
    if (this.refusal && this.pipes.size === 0) return Promise.reject(this.refusal);
    return new Promise<void>((resolve, reject) => {
      const waiter = { msg, resolve, reject, timer: undefined as NodeJS.Timeout | undefined };
      if (this.sendTimeout > 0) {
        waiter.timer = setTimeout(() => {
          this.sendWaiter = undefined;
          reject(new ZmqError("EAGAIN", `send timed out after ${this.sendTimeout} ms`));
        }, this.sendTimeout);
      }
      this.sendWaiter = waiter;
    });
  }

  /**
   * Receives the next message as its parts. Waits up to
   * {@link receiveTimeout}.
   */
  receive(): Promise<Message> {
    if (this.isClosed) return Promise.reject(new ZmqError("ENOTSOCK", "socket is closed"));
    if (this.recvWaiter) return Promise.reject(new ZmqError("EBUSY", "a previous receive is still waiting"));
    let msg: Message | undefined;
    try {
      msg = this.xrecv();
    } catch (err) {
      return Promise.reject(err);
    }
    if (msg) return Promise.resolve(msg);
    if (this.receiveTimeout === 0) return Promise.reject(new ZmqError("EAGAIN", "no message to receive"));
    if (this.refusal && this.pipes.size === 0) return Promise.reject(this.refusal);
    return new Promise<Message>((resolve, reject) => {
      const waiter: Waiter<Message> = { resolve, reject, timer: undefined };
      if (this.receiveTimeout > 0) {
        waiter.timer = setTimeout(() => {
          this.recvWaiter = undefined;
          reject(new ZmqError("EAGAIN", `receive timed out after ${this.receiveTimeout} ms`));
        }, this.receiveTimeout);
      }
      this.recvWaiter = waiter;
    });
  }

  /** Receives messages until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    // A plain iterator rather than an async generator: a generator costs
    // several promises per message, which halved `for await` throughput.
    const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
    const ended = (err: unknown): IteratorResult<Message> => {
      if (this.isClosed) return done;
      throw err;
    };
    const toResult = (value: Message): IteratorResult<Message> => ({ value, done: false });
    return {
      next: () => {
        if (this.isClosed) return Promise.resolve(done);
        // A message already queued resolves the step directly: one promise
        // instead of receive()'s plus the one its then() makes.
        if (!this.recvWaiter) {
          let msg: Message | undefined;
          try {
            msg = this.xrecv();
          } catch (err) {
            return Promise.reject(err);
          }
          if (msg) return Promise.resolve(toResult(msg));
        }
        return this.receive().then(toResult, ended);
      },
      return: () => Promise.resolve(done),
    };
  }

  // ---- pattern hooks

  /** Routes an outgoing message; false when it must wait. Throws ZmqError for pattern violations. */
  protected abstract xsend(msg: Message): boolean;
  /** The next incoming message for the application, if any. Throws for pattern violations. */
  protected abstract xrecv(): Message | undefined;
  /** A new pipe (maybe before its first handshake). */
  protected abstract xattach(pipe: Pipe): void;
  /** A pipe's connection completed a handshake; return a reason to refuse the peer. */
  protected xhandshake(_pipe: Pipe): string | undefined {
    return undefined;
  }
  /** A pipe is gone. */
  protected abstract xdetach(pipe: Pipe): void;
  /** A pipe has messages to read. */
  protected abstract xreadablePipe(pipe: Pipe): void;
  protected abstract xreadable(): boolean;
  protected abstract xwritable(): boolean;

  // ---- PipeOwner

  /** @internal */
  pipeReadable(pipe: Pipe): void {
    this.xreadablePipe(pipe);
    this.tryReceive();
  }

  /** @internal */
  pipeWritable(_pipe: Pipe): void {
    this.trySend();
  }

  /** Retries a blocked receive (patterns call it after internal state changes). */
  protected tryReceive(): void {
    const w = this.recvWaiter;
    if (!w) return;
    let msg: Message | undefined;
    try {
      msg = this.xrecv();
    } catch (err) {
      this.recvWaiter = undefined;
      clearTimeout(w.timer);
      w.reject(err as Error);
      return;
    }
    if (!msg) return;
    this.recvWaiter = undefined;
    clearTimeout(w.timer);
    w.resolve(msg);
  }

  /** Retries a blocked send. */
  protected trySend(): void {
    const w = this.sendWaiter;
    if (!w) return;
    try {
      if (!this.xsend(w.msg)) return;
    } catch (err) {
      this.sendWaiter = undefined;
      clearTimeout(w.timer);
      w.reject(err as Error);
      return;
    }
    this.sendWaiter = undefined;
    clearTimeout(w.timer);
    w.resolve();
  }

  // ---- used by transports (internal)

  /** @internal The security mechanism for new connections. */
  mechanismFactory(): MechanismFactory {
    return mechanismFactoryFor(this);
  }

  /**
   * @internal A handshake with `address` failed for a reason retrying cannot
   * cure (refused credentials, mechanism mismatch, incompatible socket
   * type), so the dialer stopped. While no peer is left, pending
   * send/receive calls reject with that error at once, and so do calls that
   * would wait, until connect() is called again: EACCES for credentials,
   * EPROTO with the reason otherwise.
   */
  handshakeRefused(address: string, error: ZmtpProtocolError): void {
    const status = (error as { status?: number }).status;
    const err = error.code === "EACCES"
      ? new ZmqError("EACCES", `authentication refused by ${address}${status === undefined ? "" : ` (ZAP status ${status})`}: set the right plainUsername/plainPassword and call connect() again`, address)
      : new ZmqError("EPROTO", `${error.message.startsWith("peer ") ? `${address} ${error.message.slice(5)}` : `handshake with ${address} failed: ${error.message}`}; fix the configuration and call connect() again`, address);
    this.refusal = err;
    if (this.pipes.size === 0) this.rejectWaiters(err);
  }

  /** @internal Settings for a new ZMTP connection. */
  engineOptions(address: string): EngineOptions {
    const id = this.routingId;
    const identity = this.socketType === "REQ" || this.socketType === "DEALER" || this.socketType === "ROUTER"
      ? (id === null ? Buffer.alloc(0) : Buffer.from(id))
      : undefined;
    return {
      socketType: this.socketType,
      identity,
      mechanism: this.mechanismFactory(),
      maxMessageSize: this.maxMessageSize,
      handshakeTimeout: this.handshakeInterval,
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      heartbeatTimeToLive: this.heartbeatTimeToLive,
      address,
    };
  }

  /** @internal A new pipe to a peer, joined to the pattern. */
  openPipe(endpoint: string): Pipe {
    const pipe = new Pipe(this, endpoint, this.sendHighWaterMark, this.receiveHighWaterMark);
    this.pipes.add(pipe);
    this.xattach(pipe);
    this.trySend();
    return pipe;
  }

  /** @internal A pipe's peer completed a handshake; returns a refusal reason or undefined. */
  pipeHandshake(pipe: Pipe, peer: PeerInfo): string | undefined {
    pipe.peer = peer;
    const reason = this.xhandshake(pipe);
    if (reason === undefined) this.trySend();
    return reason;
  }

  /** @internal A pipe is gone for good. */
  closePipe(pipe: Pipe): void {
    if (pipe.detached) return;
    pipe.detached = true;
    this.pipes.delete(pipe);
    this.xdetach(pipe);
  }

  /** @internal Reports an event to the socket's observers. */
  emit(event: ReportedEvent): void {
    reportEvent(this, event);
  }

  /** @internal */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  private addEndpoint(address: string, ep: Endpointish): void {
    const list = this.endpoints.get(address);
    if (list) list.push(ep);
    else this.endpoints.set(address, [ep]);
  }

  private removeEndpoint(address: string, ep: Endpointish): void {
    const list = this.endpoints.get(address);
    if (!list) return;
    const rest = list.filter((e) => e !== ep);
    if (rest.length) this.endpoints.set(address, rest);
    else this.endpoints.delete(address);
  }

  private rejectWaiters(err: ZmqError): void {
    const s = this.sendWaiter;
    const r = this.recvWaiter;
    this.sendWaiter = undefined;
    this.recvWaiter = undefined;
    if (s) {
      clearTimeout(s.timer);
      s.reject(err);
    }
    if (r) {
      clearTimeout(r.timer);
      r.reject(err);
    }
  }

  private assertOpen(): void {
    if (this.isClosed) throw new ZmqError("ENOTSOCK", "socket is closed");
  }
}

// zeromq.js's socket methods are read-only: assigning one throws a TypeError.
for (const name of ["bind", "unbind", "connect", "disconnect", "close", "send", "receive"] as const) {
  Object.defineProperty(Socket.prototype, name, { writable: false });
}
