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
import { closedError, ZmqError, type ZmqErrorCode } from "../errors.js";
import { holdFor, holdUntilSettled, release } from "../keep-alive.js";
import { RECEIVE_NOW, SEND_OWNED, SEND_OWNED_NOW, toParts, type MessageLike } from "../message.js";
import type { ReportedEvent } from "../events.js";
import { endObservers, makeObservable, Observer, reportEvent } from "../observer.js";
import { defineDeferredOptions, DEFERRED_OPTION_WARNING } from "./options.js";
import { checkOptionType, FROM_MINUS_ONE, FROM_ONE, FROM_ZERO, optionNumber, optionText, readBackText, textRead } from "../option-values.js";
import { parseAcceptFilter, type AcceptFilter } from "../transport/accept-filter.js";
import { Pipe, type Message, type PeerInfo, type PipeOwner } from "../pipe.js";
import { queuedAtOnce, takenAtOnce } from "../turn-budget.js";
import { checkEndpointName, parseEndpoint, type Endpoint } from "../transport/endpoint.js";
import { NetDialer, NetListener } from "../transport/net.js";
import { UdpReceiver, UdpSender, type UdpCodec } from "../transport/udp.js";
import { checkStreamConnect, type StreamConnect } from "../transport/stream-connect.js";
import { CurveKeySet } from "../security/curve-key-set.js";
import { MechanismChoice, checkPlainCredential, mechanismFactoryFor, type SecurityMechanismName } from "../security/mechanism-select.js";
import type { Authenticator } from "../security/zap.js";
import { defineOptionMethods } from "../option-numbers.js";
import { guardClosedOptions, ownOption, ownWork } from "../closed-options.js";
import { SOCKET_TYPE_NUMBER, isThreadSafe, type MechanismFactory, type MechanismName, type SocketTypeName, type ZmtpProtocolError } from "../wire/index.js";

/** Options every socket accepts (zeromq.js v6 names and defaults). */
export interface SocketOptions {
  /** The Context for inproc endpoints and the ZAP handler; the default one if absent. */
  context?: Context;
  /**
   * Dials tcp:// endpoints through this function instead of node:net
   * (purezmq's own option, read only here): shaped like `connect()` of
   * `cloudflare:sockets`, it returns web streams of octets, so any duplex
   * byte stream can carry the socket's connections. bind() still listens
   * with node:net.
   */
  connect?: StreamConnect;
  backlog?: number;
  ipv6?: boolean;
  tcpKeepalive?: number;
  tcpKeepaliveIdle?: number;
  tcpKeepaliveCount?: number;
  tcpKeepaliveInterval?: number;
  tcpAcceptFilter?: string | Buffer | null;
  connectTimeout?: number;
  tcpMaxRetransmitTimeout?: number;
  sendBufferSize?: number;
  receiveBufferSize?: number;
  typeOfService?: number;
  interface?: string | null;
  socksProxy?: string | null;
  affinity?: number;
  rate?: number;
  recoveryInterval?: number;
  multicastHops?: number;
  multicastMaxTransportDataUnit?: number;
  zapEnforceDomain?: boolean;
  loopbackFastPath?: boolean;
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
  maxMessageParts?: number;
  idleTimeout?: number;
  plainServer?: boolean;
  plainUsername?: string | Buffer | null;
  plainPassword?: string | Buffer | null;
  curveServer?: boolean;
  curvePublicKey?: string | Buffer;
  curveSecretKey?: string | Buffer;
  curveServerKey?: string | Buffer;
  zapDomain?: string | null;
  authenticator?: Authenticator | null;
}

/**
 * A send or receive that waits. It settles its own promise, so a waited
 * message costs one promise (not the three of a promise, its keep-alive
 * `then` and the caller's `then`), and it holds the event loop itself.
 */
type Waiter<T, R = T> = {
  // Methods, not function properties: a waiter of any result type can be
  // held where the socket keeps its one receive waiter.
  resolve(value: R): void;
  reject(err: Error): void;
  /** What the promise resolves to for `value`: the message, or an iterator step. */
  wrap(value: T): R;
  /** How a failure settles the promise (undefined: it rejects). */
  failed: ((err: Error) => R) | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Set while the waiter keeps the event loop alive. */
  held: boolean;
};

const same = <T>(value: T): T => value;

/** The options of a send that has none (the internal sends of the RPC layer). */
const NO_SEND_OPTIONS: readonly [] = [];

/** zeromq.js's text for every call refused while a bind, an unbind or a proxy holds the socket. */
const BLOCKED = "Socket is blocked by a bind or unbind operation";

/**
 * The key of a socket's `[PROXIED](on)`: a Proxy marks its front
 * and back ends as run by it (a symbol, so that the named surface stays
 * zeromq.js's).
 */
export const PROXIED: unique symbol = Symbol("purezmq.proxied");

/** The key of a socket's `[AS_PROXY](operation)`: the running proxy's own calls. */
export const AS_PROXY: unique symbol = Symbol("purezmq.asProxy");

/** Settles a waiter with `value`: its timer and its hold on the event loop end. */
function fulfil<T, R>(w: Waiter<T, R>, value: T): void {
  settled(w);
  w.resolve(w.wrap(value));
}

/** Settles a waiter with `err`. */
function fail<T, R>(w: Waiter<T, R>, err: Error): void {
  settled(w);
  if (!w.failed) return w.reject(err);
  let result: R;
  try {
    result = w.failed(err);
  } catch (thrown) {
    return w.reject(thrown as Error);
  }
  w.resolve(result);
}

function settled(w: { timer: NodeJS.Timeout | undefined; held: boolean }): void {
  if (w.timer !== undefined) clearTimeout(w.timer);
  if (w.held) release();
  w.held = false;
}

/**
 * Properties that look like options (assignable, primitive) but are the
 * socket's identity or its patterns' state: a constructor option of one of
 * these names is refused as unknown.
 */
const NOT_OPTIONS = new Set([
  "socketType", "isClosed", "boundLast", "plainUser", "acceptFilters", "conflateMode", "invertMode", "verbosityLevel",
  "manualMode", "welcome", "epoch", "replying", "waiting", "filters", "notifies", "requestId", "requestIdFrame",
]);

/** The concrete socket classes by libzmq type number, for `new Socket(type)`. */
const classesByType = new Map<number, new (options?: object) => AnySocket>();
/** Their prototypes, to tell a pattern's subclass from a class that extends Socket itself. */
const patternPrototypes = new WeakSet<object>();
/**
 * Prototypes of classes that extend Socket itself and called
 * `super(type)`: their parent is now the pattern's prototype.
 */
const adopted = new WeakSet<object>();

/**
 * @internal Lets `new Socket(type, options)` build sockets of `type` with
 * `ctor` (socket/by-type.ts registers every pattern).
 */
export function registerSocketType(type: number, ctor: new (options?: object) => AnySocket): void {
  classesByType.set(type, ctor);
  patternPrototypes.add(ctor.prototype);
  guardClosedOptions(ctor.prototype, (socket) => (socket as AnySocket).closed);
}

/** Whether `target` extends Socket itself (not one of the patterns), as zeromq.js's `super(type)` callers do. */
function extendsSocketItself(target: Function): boolean {
  for (let p = target.prototype as object | null; p && p !== Socket.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (adopted.has(p)) return true;
    if (patternPrototypes.has(p)) return false;
  }
  return true;
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
 * From a class that extends Socket itself and calls `super(type, options)`
 * (zeromq.js's way to a socket type it has no class for), a socket of
 * that class: its prototype gets the pattern's as parent, the first time,
 * so that its own methods come first and the pattern's behind them.
 */
function socketOfType(args: IArguments, target: Function): AnySocket {
  const [type, options] = args as unknown as [unknown, object | undefined];
  if (typeof type !== "number") throw new TypeError("Socket type must be a number");
  checkOptionsArgument(options);
  if (args.length > 2) throw new TypeError(`Expected 2 arguments but received ${args.length}`);
  checkContextOption(options);
  // libzmq reads the type as a C int: ToInt32, as in zeromq.js.
  const ctor = classesByType.get(type | 0);
  if (!ctor) throw new ZmqError("EINVAL", "Invalid argument");
  if (target === Socket) return new ctor(options);
  let own = target.prototype as object;
  while (!adopted.has(own) && Object.getPrototypeOf(own) !== Socket.prototype) own = Object.getPrototypeOf(own) as object;
  if (!adopted.has(own)) {
    Object.setPrototypeOf(own, ctor.prototype);
    adopted.add(own);
  } else if (!ctor.prototype.isPrototypeOf(own)) {
    throw new TypeError(`${target.name} was first built as another socket type: one class, one type`);
  }
  return Reflect.construct(ctor, [options], target) as AnySocket;
}


/**
 * A bind endpoint under ZMQ_IPV6: without it an IPv6 address fails ENODEV,
 * as in libzmq; with it `*` binds every IPv6 and IPv4 interface.
 */
function bindEndpoint(address: string, ipv6: boolean): Endpoint {
  const ep = parseEndpoint(address, true);
  if (ep.transport !== "tcp") return ep;
  if (!ipv6 && ep.host.includes(":")) throw new ZmqError("ENODEV", undefined, address);
  if (ipv6 && ep.host === "0.0.0.0" && /^tcp:\/\/\*:/.test(address)) return { ...ep, host: "::" };
  return ep;
}

/** The code zeromq.js reports for a failed listen: libzmq's, from the system's. */
function listenErrorCode(code: string | undefined): ZmqErrorCode {
  if (code === "EADDRINUSE" || code === "EADDRNOTAVAIL" || code === "EACCES" || code === "ENOENT") return code;
  // A host name that does not resolve: libzmq reports "No such device".
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "ENODEV";
  return "EINVAL";
}

/** Anything that carries connections for a socket: a listener, a dialer, an inproc link. */
export interface Endpointish {
  readonly address: string;
  close(linger: number): void;
}

/** A socket of any type, whatever its messages and send options look like. */
export type AnySocket = Socket<any, any>;

/**
 * Base class of every socket type. `In` is what receive() gives (the parts
 * of a message; the draft types add an object with the routing id or the
 * group), `SendOptions` what send() takes after the message (the draft
 * types' routing id or group), as in zeromq.js's `Readable` and `Writable`.
 */
export abstract class Socket<In extends object[] = Message, SendOptions extends object[] = []> implements PipeOwner, AsyncIterable<In> {
  /** The ZMTP socket type name. */
  abstract readonly socketType: SocketTypeName;
  // Assigned in the constructor, which returns another object for `new Socket(type)`.
  private readonly ctx!: Context;
  #observer: Observer | undefined;

  /** ZMQ_ROUTING_ID: the Identity sent to peers (REQ, DEALER, ROUTER). */
  declare routingId: string | Buffer | null;
  #sendTimeout: number = -1;
  /** ZMQ_SNDTIMEO: ms a blocked send waits before EAGAIN; -1 = forever, 0 = never. */
  get sendTimeout(): number {
    return this.#sendTimeout;
  }
  set sendTimeout(value: number) {
    this.#sendTimeout = optionNumber(FROM_MINUS_ONE, value);
  }
  #receiveTimeout: number = -1;
  /** ZMQ_RCVTIMEO: ms a receive waits before EAGAIN; -1 = forever, 0 = never. */
  get receiveTimeout(): number {
    return this.#receiveTimeout;
  }
  set receiveTimeout(value: number) {
    this.#receiveTimeout = optionNumber(FROM_MINUS_ONE, value);
  }
  #linger: number = -1;
  /** ZMQ_LINGER: ms that close() keeps connected peers to deliver queued messages; -1 = until sent. */
  get linger(): number {
    return this.#linger;
  }
  set linger(value: number) {
    this.#linger = optionNumber(FROM_MINUS_ONE, value);
  }
  /** ZMQ_RECONNECT_IVL: ms before reconnecting; -1 = never reconnect. */
  declare reconnectInterval: number;
  /** ZMQ_RECONNECT_IVL_MAX: ms the back-off doubles up to; 0 = no back-off. */
  declare reconnectMaxInterval: number;
  /**
   * ZMQ_MAXMSGSIZE: largest message accepted from a peer, the sum of its
   * frames (as ws's maxPayload; libzmq checks each frame); a larger one
   * ends that connection (EMSGSIZE) before the frame over the limit is
   * buffered. Commands are held to it too. -1 = no limit.
   */
  declare maxMessageSize: number;
  /** ZMQ_IMMEDIATE: queue only to completed connections. */
  declare immediate: boolean;
  /** ZMQ_HANDSHAKE_IVL: ms allowed for a handshake; 0 = no limit. */
  declare handshakeInterval: number;
  /** ZMQ_HEARTBEAT_IVL: ms between PINGs; 0 = no heartbeats. */
  declare heartbeatInterval: number;
  /** ZMQ_HEARTBEAT_TIMEOUT: ms to wait for traffic after a PING; -1 or 0 = the interval. */
  declare heartbeatTimeout: number;
  /** ZMQ_HEARTBEAT_TTL: ms the peer should wait for our traffic; 0 = none. */
  declare heartbeatTimeToLive: number;
  /** ZMQ_BACKLOG: pending connections a tcp/ipc listener queues (the `backlog` of listen). */
  declare backlog: number;
  /** ZMQ_IPV6: bind and connect over IPv6 too; `*` then binds every IPv6 and IPv4 interface. */
  declare ipv6: boolean;
  /** ZMQ_TCP_KEEPALIVE: 1 turns TCP keep-alive on (setKeepAlive), 0 off, -1 the system's default. */
  declare tcpKeepalive: number;
  /** ZMQ_TCP_KEEPALIVE_IDLE: seconds idle before the first keep-alive probe; -1 = the system's. */
  declare tcpKeepaliveIdle: number;
  /** ZMQ_TCP_KEEPALIVE_CNT: accepted; no effect in Node (node:net cannot set the probe count). */
  declare tcpKeepaliveCount: number;
  /** ZMQ_TCP_KEEPALIVE_INTVL: accepted; no effect in Node (node:net cannot set the probe interval). */
  declare tcpKeepaliveInterval: number;
  /** ZMQ_CONNECT_TIMEOUT: ms a tcp dial may take before it is abandoned and retried; 0 = the system's. */
  declare connectTimeout: number;
  /** ZMQ_TCP_MAXRT: accepted; no effect in Node (node:net has no TCP_USER_TIMEOUT). */
  declare tcpMaxRetransmitTimeout: number;
  /** ZMQ_SNDBUF: accepted; no effect in Node (node:net cannot size a TCP socket's kernel buffers). */
  declare sendBufferSize: number;
  /** ZMQ_RCVBUF: accepted; no effect in Node (node:net cannot size a TCP socket's kernel buffers). */
  declare receiveBufferSize: number;
  /** ZMQ_TOS: accepted; no effect in Node (node:net cannot set IP_TOS). */
  declare typeOfService: number;
  /** ZMQ_BINDTODEVICE: accepted; no effect in Node (node:net cannot bind to a device). */
  declare interface: string | null;
  /** ZMQ_SOCKS_PROXY: accepted; no effect (purezmq does not speak SOCKS): connections go direct. */
  declare socksProxy: string | null;
  /** ZMQ_AFFINITY: accepted; no effect (purezmq has no I/O threads). */
  declare affinity: number;
  /** ZMQ_RATE: accepted; no effect (for the PGM/NORM multicast transports, which purezmq lacks). */
  declare rate: number;
  /** ZMQ_RECOVERY_IVL: accepted; no effect (PGM/NORM only). */
  declare recoveryInterval: number;
  /** ZMQ_MULTICAST_HOPS: accepted; no effect (PGM/NORM only). */
  declare multicastHops: number;
  /** ZMQ_MULTICAST_MAXTPDU: accepted; no effect (PGM/NORM only). */
  declare multicastMaxTransportDataUnit: number;
  /** ZMQ_ZAP_ENFORCE_DOMAIN: accepted; no effect (purezmq asks ZAP for every PLAIN handshake). */
  declare zapEnforceDomain: boolean;
  /** ZMQ_LOOPBACK_FASTPATH: accepted; no effect (a Windows-only libzmq feature). */
  declare loopbackFastPath: boolean;
  /**
   * ZMQ_VMCI_BUFFER_SIZE, as the other three VMCI options: refused with
   * EINVAL, read or set, as zeromq.js's libzmq (built without the VMCI
   * transport) refuses them; purezmq has no VMCI transport either.
   */
  declare vmciBufferSize: number;
  /** ZMQ_VMCI_BUFFER_MIN_SIZE: refused with EINVAL (no VMCI transport). */
  declare vmciBufferMinSize: number;
  /** ZMQ_VMCI_BUFFER_MAX_SIZE: refused with EINVAL (no VMCI transport). */
  declare vmciBufferMaxSize: number;
  /** ZMQ_VMCI_CONNECT_TIMEOUT: refused with EINVAL (no VMCI transport). */
  declare vmciConnectTimeout: number;
  /**
   * Connections each bound tcp/ipc endpoint holds at most (purezmq's own
   * option; libzmq has no such bound): further peers are closed as soon as
   * they are accepted, with an `accept:error` event (code EMFILE), so a
   * connection flood cannot exhaust memory or file descriptors; -1 = no limit.
   */
  maxConnections = 10_000;
  /**
   * Most frames in one message from a peer (purezmq's own option; libzmq
   * has no such bound): a peer that sends more, even empty ones, is
   * disconnected (code EMSGSIZE) when the frame over the bound arrives, so
   * that a message never ended cannot grow without end; -1 = no limit.
   */
  maxMessageParts = 1000;
  /**
   * Milliseconds a peer may stay silent after its handshake before its
   * connection is closed (purezmq's own option): a `disconnect` event with
   * code ETIMEDOUT, and a connect()ing socket reconnects. Any traffic,
   * heartbeats included, counts; the close comes within twice this time
   * of the last. 0 = never (the default, as in libzmq).
   */
  idleTimeout = 0;

  private boundLast: string | null = null;

  /** ZMQ_LAST_ENDPOINT (read-only): the last endpoint bound, with the real port when port 0 or `*` was asked. */
  get lastEndpoint(): string | null {
    return this.boundLast;
  }

  /** ZMQ_ZAP_DOMAIN: the domain sent in ZAP requests. */
  declare zapDomain: string | null;
  /**
   * How a PLAIN server decides on a client (purezmq's own option): a
   * function given the ZAP request (see `plainAuthenticator` for a user
   * table with address lists). When null, the ZAP handler bound at
   * `inproc://zeromq.zap.01` in this socket's context is asked, as in
   * libzmq; with neither, every client is refused with ZAP status 500.
   */
  authenticator: Authenticator | null = null;
  private plainUser: string | Buffer | null = null;
  /** A private field: invisible to util.inspect, JSON and Object.keys, so the password never shows in logs. */
  #plainPass: string | Buffer | null = null;
  /** The `connect` constructor option: how tcp:// endpoints are dialed when set. */
  #streamConnect: StreamConnect | undefined;
  /** The mechanism and server role the last security option chose, as libzmq keeps them. */
  readonly #security = new MechanismChoice();
  /** The CURVE keys; private for the same reason as the password. */
  readonly #curve = new CurveKeySet();
  /** Set when a peer refused the handshake for good (credentials, mechanism, socket type); cleared by connect(). */
  private refusal: ZmqError | undefined;

  /** @internal Values of the options defined by {@link defineDeferredOptions}. */
  readonly optionValues = new Map<string, unknown>();
  #sendHwm = 1000;
  #receiveHwm = 1000;
  /** ZMQ_PROBE_ROUTER: send an empty message to each new peer. */
  #probe = false;
  private readonly endpoints = new Map<string, Endpointish[]>();
  private readonly pipes = new Set<Pipe>();
  private sendWaiter: (Waiter<void> & { msg: Message }) | undefined;
  /** Resolves to the message (receive()) or an iterator step (for await). */
  private recvWaiter: Waiter<In, unknown> | undefined;
  private isClosed = false;
  /** Set while a bind or unbind runs. */
  #blocked = false;
  /** close() was called while blocked: it happens when the bind/unbind ends. */
  #closeRequested = false;
  /** Set while a Proxy runs this socket: the application's calls are refused. */
  #proxied = false;
  /** Set during the running proxy's own call on this socket, which goes through. */
  #proxyCall = false;

  /**
   * Checks the options argument as zeromq.js does (each concrete class then
   * applies the options with {@link setOptions}). From JavaScript,
   * `new Socket(type, options)` builds a socket of the libzmq type number
   * `type`, as zeromq.js allows: a `new Socket(5)` is a Dealer; and a
   * class that extends Socket itself may call `super(type, options)`.
   * @throws TypeError for options that are not an object; Error "Invalid
   *   argument" for a `context` option that is not a Context.
   */
  protected constructor(options: SocketOptions | undefined) {
    if (new.target === Socket || (typeof options === "number" && extendsSocketItself(new.target))) return socketOfType(arguments, new.target);
    checkOptionsArgument(options);
    checkContextOption(options);
    this.#streamConnect = checkStreamConnect(options?.connect);
    this.ctx = options?.context ?? defaultContext;
    // libzmq gives the sockets of a non-blocky context a linger of 0.
    if (!this.ctx.blocky) this.linger = 0;
    makeObservable(this);
  }

  /**
   * Socket events (zeromq.js `socket.events`): every event from the first
   * time this is read. As in zeromq.js, the observer is made then (the
   * events before are not kept), and a closed socket has none (ENOTSOCK).
   */
  get events(): Observer {
    return (this.#observer ??= new Observer(this));
  }

  /** The context the socket belongs to. */
  get context(): Context {
    return this.ctx;
  }

  /**
   * ZMQ_SNDHWM: messages queued per peer before send blocks or drops;
   * 0 = no limit. A change applies to the peers already connected too.
   */
  get sendHighWaterMark(): number {
    return this.#sendHwm;
  }
  set sendHighWaterMark(value: number) {
    this.#sendHwm = optionNumber(FROM_ZERO, value);
    this.updateHighWaterMarks();
  }

  /**
   * ZMQ_RCVHWM: messages queued per peer before reading from it pauses;
   * 0 = no limit. A change applies to the peers already connected too.
   */
  get receiveHighWaterMark(): number {
    return this.#receiveHwm;
  }
  set receiveHighWaterMark(value: number) {
    this.#receiveHwm = optionNumber(FROM_ZERO, value);
    this.updateHighWaterMarks();
  }

  /**
   * ZMQ_PROBE_ROUTER (write-only, as in zeromq.js): when true, every new
   * peer, connected or accepted, first gets an empty message, so a ROUTER
   * learns the peer's routing id at once.
   */
  set probeRouter(value: boolean) {
    checkOptionType("boolean", value);
    this.#probe = value;
  }

  /**
   * ZMQ_THREAD_SAFE: true for the draft types (libzmq makes them thread
   * safe, and zeromq.js reports it), false for the others.
   */
  get threadSafe(): boolean {
    return isThreadSafe(this.socketType);
  }

  /**
   * ZMQ_TCP_ACCEPT_FILTER: each value set adds an `address[/bits]` that
   * peers of this socket's tcp:// and ws:// listeners may come from (read
   * as libzmq reads it, numeric only, under the `ipv6` in force when set);
   * null clears the list, and an empty list accepts every peer. A peer
   * outside the list is closed as soon as it is accepted, with an
   * `accept:error` event. Write-only: reading it fails EINVAL, as in libzmq.
   */
  get tcpAcceptFilter(): string | null {
    throw new ZmqError("EINVAL");
  }
  set tcpAcceptFilter(value: string | Buffer | null) {
    checkOptionType("string", value);
    this.warnDeferredOption();
    // Null or no octets clears the list; a text is 1 to 255 octets.
    const text = optionText({ maxBytes: 255 }, value);
    if (text === null) {
      this.acceptFilters = [];
      return;
    }
    // libzmq reads the option as a C string: it ends at the first zero octet.
    const filter = readBackText(Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8"));
    this.acceptFilters = [...this.acceptFilters, parseAcceptFilter(filter, this.ipv6)];
  }

  /** @internal The filters `tcpAcceptFilter` set, for the listeners. */
  acceptFilters: readonly AcceptFilter[] = [];

  private updateHighWaterMarks(): void {
    for (const pipe of this.pipes) pipe.setHighWaterMarks(this.#sendHwm, this.#receiveHwm);
    // A higher mark may take a send that waited.
    this.trySend();
  }

  /** @internal zeromq.js warns that the change waits for the next connect/bind. */
  warnDeferredOption(): void {
    if (this.#blocked || this.endpoints.size > 0) process.emitWarning(DEFERRED_OPTION_WARNING);
  }

  /** Alias of {@link handshakeInterval}, in milliseconds. */
  get handshakeTimeout(): number {
    return this.handshakeInterval;
  }
  set handshakeTimeout(ms: number) {
    this.handshakeInterval = ms;
  }

  /**
   * ZMQ_PLAIN_USERNAME: 1 to 255 octets (a string, sent as UTF-8, or a
   * Buffer); non-null makes connections PLAIN clients, null makes them NULL
   * again and, as in libzmq, keeps the text to read back. A refused client
   * does not reconnect: set the right credentials and call connect() again.
   */
  get plainUsername(): string | null {
    return textRead(this.plainUser);
  }
  set plainUsername(value: string | Buffer | null) {
    checkOptionType("string", value);
    this.warnDeferredOption();
    const credential = checkPlainCredential(value, "plainUsername");
    if (credential !== null) this.plainUser = credential;
    this.plainClient(credential);
  }

  /** ZMQ_PLAIN_PASSWORD: as {@link plainUsername}, the password. */
  get plainPassword(): string | null {
    return textRead(this.#plainPass);
  }
  set plainPassword(value: string | Buffer | null) {
    checkOptionType("string", value);
    this.warnDeferredOption();
    const credential = checkPlainCredential(value, "plainPassword");
    if (credential !== null) this.#plainPass = credential;
    this.plainClient(credential);
  }

  /** @internal The PLAIN credentials as set, for the mechanism of the next connection. */
  plainCredentials(): { readonly username: string | Buffer | null; readonly password: string | Buffer | null } {
    return { username: this.plainUser, password: this.#plainPass };
  }

  /** A PLAIN credential set makes a PLAIN client, an unset one goes back to NULL (as libzmq does). */
  private plainClient(value: string | Buffer | null): void {
    this.#security.mechanism = value === null ? null : "plain";
    if (value !== null) this.#security.asServer = false;
  }

  /** ZMQ_PLAIN_SERVER: act as PLAIN server; peers must authenticate (see {@link authenticator}). */
  get plainServer(): boolean {
    return this.#security.isServer("plain");
  }
  set plainServer(value: boolean) {
    checkOptionType("boolean", value);
    this.warnDeferredOption();
    this.#security.server("plain", value);
  }

  /**
   * ZMQ_CURVE_SERVER: act as CURVE server (needs {@link curveSecretKey}).
   * Clients must know this socket's public key; which of them may connect
   * is decided as for PLAIN (see {@link authenticator}), except that with
   * neither an authenticator nor a ZAP handler every such client is
   * accepted, as in libzmq.
   */
  get curveServer(): boolean {
    return this.#security.isServer("curve");
  }
  set curveServer(value: boolean) {
    checkOptionType("boolean", value);
    this.warnDeferredOption();
    this.#security.server("curve", value);
  }

  /**
   * ZMQ_CURVE_PUBLICKEY: this socket's long-term public key, a 40-character
   * Z85 string or 32 octets (see {@link curveKeyPair}). Write-only, as in
   * zeromq.js: reading it throws EINVAL.
   */
  get curvePublicKey(): string | Buffer {
    return this.curveKeyRead("curvePublicKey");
  }
  set curvePublicKey(value: string | Buffer) {
    this.curveKey("curvePublicKey", value);
  }

  /** ZMQ_CURVE_SECRETKEY: this socket's long-term secret key (Z85 or 32 octets); write-only. */
  get curveSecretKey(): string | Buffer {
    return this.curveKeyRead("curveSecretKey");
  }
  set curveSecretKey(value: string | Buffer) {
    this.curveKey("curveSecretKey", value);
  }

  /** ZMQ_CURVE_SERVERKEY: the server's public key, which makes this socket a CURVE client (Z85 or 32 octets); write-only. */
  get curveServerKey(): string | Buffer {
    return this.curveKeyRead("curveServerKey");
  }
  set curveServerKey(value: string | Buffer) {
    this.curveKey("curveServerKey", value);
  }

  private curveKey(option: "curvePublicKey" | "curveSecretKey" | "curveServerKey", value: unknown): void {
    checkOptionType("string", value);
    this.warnDeferredOption();
    this.#curve.set(option, value);
    this.#security.mechanism = "curve";
    if (option === "curveServerKey") this.#security.asServer = false;
  }

  private curveKeyRead(option: string): never {
    throw new ZmqError("EINVAL", `${option} is write-only, as in zeromq.js: keep the key you set`);
  }

  /** ZMQ_MECHANISM: the security mechanism of new connections, as zeromq.js reports it. */
  get securityMechanism(): SecurityMechanismName {
    return this.#security.mechanism;
  }

  /** The libzmq number of this socket type. */
  get type(): number {
    return SOCKET_TYPE_NUMBER[this.socketType];
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  // zeromq.js's protected access to options by libzmq number, through
  // which a subclass reaches an option: defined below the class
  // (option-numbers.ts). EINVAL for a number this socket has no option
  // of, or a type of another size; `getBoolOption(39)` is `immediate`.
  protected declare getBoolOption: (option: number) => boolean;
  protected declare setBoolOption: (option: number, value: boolean) => void;
  protected declare getInt32Option: (option: number) => number;
  protected declare setInt32Option: (option: number, value: number) => void;
  protected declare getUint32Option: (option: number) => number;
  protected declare setUint32Option: (option: number, value: number) => void;
  protected declare getInt64Option: (option: number) => number;
  protected declare setInt64Option: (option: number, value: number) => void;
  protected declare getUint64Option: (option: number) => number;
  protected declare setUint64Option: (option: number, value: number) => void;
  protected declare getStringOption: (option: number) => string | null;
  protected declare setStringOption: (option: number, value: string | Buffer | null) => void;

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
      // Read by the constructor, not properties (`connect` names the method).
      if (key === "context" || key === "connect") continue;
      const value = (options as Record<PropertyKey, unknown>)[key];
      // A read-only property or method throws its own TypeError when assigned.
      if (typeof key === "string" && !this.isOption(key) && !this.isReadOnly(key)) throw notExtensible(key);
      if (value !== undefined) (this as Record<PropertyKey, unknown>)[key] = value;
    }
  }

  /** Whether `key` is a getter without setter or a read-only method, which assignment refuses by itself. */
  private isReadOnly(key: string): boolean {
    const desc = this.descriptorOf(key);
    if (desc === undefined) return false;
    return "value" in desc ? desc.writable === false : desc.set === undefined;
  }

  /**
   * Whether `key` names a settable option: a property that is not a method,
   * not a read-only accessor and not the socket's own state (objects other
   * than Buffers, the type, the closed flag), so a stray key cannot break it.
   */
  private isOption(key: string): boolean {
    if (!(key in this) || NOT_OPTIONS.has(key)) return false;
    const desc = this.descriptorOf(key);
    if (desc === undefined || ("value" in desc ? desc.writable !== true : desc.set === undefined)) return false;
    // A write-only option (the patterns' flags, zeromq.js reads them as undefined).
    if (!("value" in desc) && desc.get === undefined) return true;
    let value: unknown;
    try {
      value = (this as Record<string, unknown>)[key];
    } catch {
      value = null; // an option whose getter throws (a CURVE key, `mandatory`)
    }
    if (typeof value === "function" || value === undefined) return false;
    return value === null || typeof value !== "object" || Buffer.isBuffer(value);
  }

  /** The descriptor of `key` on the socket or the nearest prototype that has it. */
  private descriptorOf(key: string): PropertyDescriptor | undefined {
    for (let o: object | null = this; o !== null; o = Object.getPrototypeOf(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, key);
      if (desc) return desc;
    }
    return undefined;
  }

  // ---- endpoints

  /**
   * Binds to an endpoint and starts accepting peers. Resolves once listening;
   * {@link lastEndpoint} then tells the real address. Until then the socket
   * is blocked, as in zeromq.js: other calls throw EBUSY and close() waits
   * for the bind to end.
   */
  bind(address: string): Promise<void> {
    this.assertOpen();
    return this.blockWhile(this.bindNow(address));
  }

  /**
   * @internal A bind that does not block the socket (zeromq.js's `bindSync`,
   * which the v5 API offers): the endpoint is checked at once, and an
   * invalid one throws here; the listener then starts in the background
   * (node:net cannot listen synchronously), so {@link lastEndpoint} tells a
   * port chosen by the system once the returned promise resolves.
   */
  bindInBackground(address: string): Promise<void> {
    this.assertOpen();
    return this.bindNow(address, bindEndpoint(address, this.ipv6));
  }

  private async bindNow(address: string, checked?: Endpoint): Promise<void> {
    const ep = checked ?? bindEndpoint(address, this.ipv6);
    this.checkEndpoint(ep, address, true);
    let bound: Endpointish & { address: string };
    if (ep.transport === "inproc") {
      this.context.inproc.bind(ep.name, this);
      bound = { address, close: () => this.context.inproc.unbind(ep.name, this) };
    } else if (ep.transport === "udp") {
      const codec = this.udpCodec(true);
      if (!codec) throw new ZmqError("ENOCOMPATPROTO", undefined, address);
      bound = await this.listenOn(new UdpReceiver(this, ep, address, codec), address);
    } else {
      const listener = await this.listenOn(new NetListener(this, ep), address);
      bound = listener;
      // Only a bind in the background can see close() while it listens.
      if (this.isClosed) {
        listener.close(0);
        this.reportListenerClosed(listener);
        return;
      }
    }
    this.addEndpoint(address, bound);
    if (bound.address !== address) this.addEndpoint(bound.address, bound);
    this.boundLast = bound.address;
    this.emit({ type: "bind", address: bound.address });
  }

  /** Starts a listener; a failure is reported (`bind:error`) and thrown with libzmq's code. */
  private async listenOn<L extends Endpointish & { listen(): Promise<void> }>(listener: L, address: string): Promise<L> {
    try {
      await holdUntilSettled(listener.listen(), this);
    } catch (err) {
      // Our own refusals (ws:// without what it needs) keep their code and reason.
      const error = err instanceof ZmqError ? err : new ZmqError(listenErrorCode((err as NodeJS.ErrnoException).code), undefined, address);
      // libzmq names the failed endpoint without its transport: "127.0.0.1:5555".
      this.emit({ type: "bind:error", address: address.replace(/^[a-z]+:\/\//, ""), error });
      throw error;
    }
    return listener;
  }

  /** Stops listening on an endpoint given to bind() (or its resolved form). */
  unbind(address: string): Promise<void> {
    this.assertOpen();
    return this.blockWhile(this.unbindNow(address));
  }

  private async unbindNow(address: string): Promise<void> {
    this.unbindAtOnce(address);
  }

  /**
   * @internal Stops listening on `address` before returning (zeromq.js's
   * `unbindSync`, which the v5 API offers): closing a listener needs no wait.
   * @throws ZmqError EINVAL for a text that is no endpoint, EPROTONOSUPPORT
   *   for an unknown transport, ENOENT for an endpoint that is not bound.
   */
  unbindAtOnce(address: string): void {
    this.assertOpen();
    this.checkTermEndpoint(address);
    const list = this.endpoints.get(address);
    if (!list) throw new ZmqError("ENOENT", undefined, address);
    for (const ep of list) {
      ep.close(0);
      this.reportListenerClosed(ep);
      for (const [k, v] of this.endpoints) if (v.includes(ep)) this.removeEndpoint(k, ep);
    }
  }

  /**
   * Marks the socket blocked until `operation` settles; a close() asked for
   * meanwhile happens then (zeromq.js runs bind/unbind on a worker thread
   * and cannot touch the socket before it returns).
   */
  private async blockWhile(operation: Promise<void>): Promise<void> {
    this.#blocked = true;
    try {
      await operation;
    } finally {
      this.#blocked = false;
      if (this.#closeRequested) this.close();
    }
  }

  /**
   * @internal Marks the socket as run by a proxy (`on`), or no longer. As
   * zeromq.js's proxy does with its sockets, the application's calls
   * (send, receive, iteration, bind, connect...) then throw EBUSY, options
   * still read and set, and a close() waits until the proxy lets go.
   */
  [PROXIED](on: boolean): void {
    this.#proxied = on;
    if (!on && this.#closeRequested) this.close();
  }

  /** Whether a running proxy holds the socket against the call being made (not one of its own). */
  private heldByProxy(): boolean {
    return this.#proxied && !this.#proxyCall;
  }

  /** @internal Runs `operation`, the running proxy's own call on this socket, past its block. */
  [AS_PROXY]<T>(operation: () => T): T {
    this.#proxyCall = true;
    try {
      return operation();
    } finally {
      this.#proxyCall = false;
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
    this.checkEndpoint(ep, address, false);
    this.refusal = undefined;
    const connectId = options?.routingId === undefined ? undefined : Buffer.from(options.routingId);
    if (ep.transport === "inproc") {
      this.addEndpoint(address, this.context.inproc.connect(ep.name, this, address, connectId));
    } else if (ep.transport === "udp") {
      const codec = this.udpCodec(false);
      if (!codec) throw new ZmqError("ENOCOMPATPROTO", undefined, address);
      this.addEndpoint(address, new UdpSender(this, ep, address, codec));
    } else {
      this.addEndpoint(address, new NetDialer(this, ep, address, connectId, this.#streamConnect));
    }
  }

  /** What libzmq checks of an endpoint given to unbind() or disconnect() before it looks it up. */
  private checkTermEndpoint(address: string): void {
    checkEndpointName(address);
    // udp:// is for the socket types that have a codec for it (RADIO, DISH, DGRAM).
    if (address.startsWith("udp://") && !this.udpCodec(true) && !this.udpCodec(false)) {
      throw new ZmqError("ENOCOMPATPROTO", undefined, address);
    }
  }

  /** Drops the connection(s) made by connect() to an endpoint. */
  disconnect(address: string): void {
    this.assertOpen();
    this.checkTermEndpoint(address);
    const list = this.endpoints.get(address);
    if (!list) throw new ZmqError("ENOENT", undefined, address);
    for (const ep of list) ep.close(0);
    this.endpoints.delete(address);
  }

  /**
   * Closes the socket. Queued messages to connected peers are still
   * delivered for up to {@link linger} ms; pending send/receive calls reject.
   */
  close(): void {
    if (this.isClosed) return;
    if (this.#blocked || this.#proxied) {
      this.#closeRequested = true;
      return;
    }
    this.isClosed = true;
    const seen = new Set<Endpointish>();
    for (const list of this.endpoints.values()) {
      for (const ep of list) {
        if (seen.has(ep)) continue;
        seen.add(ep);
        ep.close(this.#linger);
        this.reportListenerClosed(ep);
      }
    }
    this.endpoints.clear();
    this.rejectWaiters();
    this.emit({ type: "end" });
    endObservers(this);
  }

  // ---- messages

  /**
   * Queues a message (one part or an array of parts). Resolves at once when
   * queued; waits when the pattern must block (high-water mark, no peer),
   * up to {@link sendTimeout}.
   */
  send(message: MessageLike | MessageLike[], ...options: SendOptions): Promise<void> {
    // Thrown, not rejected, as zeromq.js does.
    if (message === undefined) throw new TypeError("Message must be present");
    this.checkSendOptions(options);
    return this.sendParts(toParts(message), options);
  }

  /**
   * @internal {@link send} for parts the library itself made and never
   * changes afterwards (an RPC layer's envelopes and encoded bodies): they
   * go as they are, without the copy send() makes of the caller's small
   * parts (message.ts), which cost an RPC call a pooled copy per frame.
   */
  [SEND_OWNED](parts: Buffer[], ...options: SendOptions): Promise<void> {
    return this.sendParts(parts, options);
  }

  /**
   * @internal {@link SEND_OWNED} when the message can be queued at once:
   * true when it was; false, with nothing queued, when the pattern would
   * make it wait or another send already waits (the caller then takes the
   * waiting path, which keeps the order). Spares a caller that does not
   * wait for its sends (a server's replies), or that has one message to
   * send (an RPC call), the promise and the promise job of a send. For
   * patterns whose send() takes no options (DEALER, ROUTER). Throws as
   * send() does for a closed socket or a pattern violation.
   */
  [SEND_OWNED_NOW](parts: Buffer[]): boolean {
    this.assertOpen();
    return this.sendWaiter === undefined && this.xsend(this.outgoing(parts, NO_SEND_OPTIONS as unknown as SendOptions));
  }

  private sendParts(parts: Buffer[], options: SendOptions): Promise<void> {
    this.assertOpen();
    if (this.sendWaiter) throw new ZmqError("EBUSY", "Socket is busy writing; only one send operation may be in progress at any time");
    const msg = this.outgoing(parts, options);
    try {
      if (this.xsend(msg)) return queuedAtOnce(msg);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.sendTimeout === 0) return Promise.reject(this.xsendError(msg));
    if (this.refusal && this.pipes.size === 0) return Promise.reject(this.refusal);
    return new Promise<void>((resolve, reject) => {
      const waiter = { msg, resolve, reject, wrap: same<void>, failed: undefined, timer: undefined as NodeJS.Timeout | undefined, held: holdFor(this) };
      if (this.sendTimeout > 0) {
        waiter.timer = setTimeout(() => {
          this.sendWaiter = undefined;
          fail(waiter, this.xsendError(msg));
        }, this.sendTimeout);
      }
      this.sendWaiter = waiter;
    });
  }

  /**
   * Receives the next message as its parts. Waits up to
   * {@link receiveTimeout}.
   */
  receive(): Promise<In> {
    return this.receiveAs(same<In>, undefined);
  }

  /**
   * {@link receive}, resolving to `wrap(message)`; a failure resolves to
   * `failed(error)` when given (which may throw to reject).
   */
  private receiveAs<R>(wrap: (msg: In) => R, failed: ((err: Error) => R) | undefined): Promise<R> {
    // Thrown, not rejected, as zeromq.js does.
    this.assertOpen();
    if (this.recvWaiter) throw new ZmqError("EBUSY", "Socket is busy reading; only one receive operation may be in progress at any time");
    let msg: In | undefined;
    let error: Error | undefined;
    try {
      msg = this.xrecv();
    } catch (err) {
      error = err as Error;
    }
    if (msg) return takenAtOnce(wrap(msg));
    if (!error && this.receiveTimeout === 0) error = new ZmqError("EAGAIN");
    if (!error && this.refusal && this.pipes.size === 0) error = this.refusal;
    return new Promise<R>((resolve, reject) => {
      const waiter: Waiter<In, R> = { resolve, reject, wrap, failed, timer: undefined, held: false };
      if (error) return fail(waiter, error);
      waiter.held = holdFor(this);
      if (this.receiveTimeout > 0) {
        waiter.timer = setTimeout(() => {
          this.recvWaiter = undefined;
          fail(waiter, new ZmqError("EAGAIN"));
        }, this.receiveTimeout);
      }
      this.recvWaiter = waiter;
    });
  }

  /**
   * @internal The next message if one is queued now, else undefined (also
   * while a receive() waits, which comes first). Lets a loop that has just
   * awaited one message take those that came with it without a promise and
   * a promise job each. Throws as receive() does for a closed socket or a
   * pattern violation.
   */
  [RECEIVE_NOW](): In | undefined {
    this.assertOpen();
    return this.recvWaiter === undefined ? this.xrecv() : undefined;
  }

  /** Receives messages until the socket is closed. */
  [Symbol.asyncIterator](): AsyncIterator<In> {
    // A plain iterator rather than an async generator: a generator costs
    // several promises per message, which halved `for await` throughput.
    const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
    const ended = (err: unknown): IteratorResult<In> => {
      if (this.isClosed) return done;
      throw err;
    };
    const toResult = (value: In): IteratorResult<In> => ({ value, done: false });
    return {
      next: () => {
        if (this.isClosed) return Promise.resolve(done);
        if (this.heldByProxy()) return Promise.reject(new ZmqError("EBUSY", BLOCKED));
        // A message already queued resolves the step without receiveAs()'s
        // checks, as it did before receiveAs() made a waited step cost one
        // promise too: queued messages still come while a bind runs, where
        // receive() throws EBUSY.
        if (!this.recvWaiter) {
          let msg: In | undefined;
          try {
            msg = this.xrecv();
          } catch (err) {
            return Promise.reject(err);
          }
          if (msg) return takenAtOnce(toResult(msg));
        }
        try {
          return this.receiveAs(toResult, ended);
        } catch (err) {
          return Promise.reject(err);
        }
      },
      return: () => Promise.resolve(done),
    };
  }

  // ---- pattern hooks

  /**
   * How this socket's messages travel over udp:// when bound (`bind` true)
   * or connected, or undefined where libzmq refuses it (ENOCOMPATPROTO): a
   * DISH and a DGRAM bind, a RADIO connects.
   */
  protected udpCodec(_bind: boolean): UdpCodec | undefined {
    return undefined;
  }

  /**
   * Throws a ZmqError for an endpoint this socket type cannot use, before
   * anything is opened, to bind (`bind` true) or connect (a DGRAM binds
   * IPv4 udp:// only).
   */
  protected checkEndpoint(_ep: Endpoint, _address: string, _bind: boolean): void {}

  /**
   * Checks send()'s options before anything else, as zeromq.js does
   * (the draft types that need one throw its TypeError when it is absent).
   */
  protected checkSendOptions(_options: SendOptions): void {}
  /**
   * The message xsend() routes, from the parts and the options: the draft
   * types put the routing id or the group first. Throws, rather than
   * rejects, for a bad option, as zeromq.js does.
   */
  protected outgoing(parts: Message, _options: SendOptions): Message {
    return parts;
  }
  /** Routes an outgoing message; false when it must wait. Throws ZmqError for pattern violations. */
  protected abstract xsend(msg: Message): boolean;
  /** Why a send that waited in vain (timeout, close) fails: EAGAIN unless the pattern knows better. */
  protected xsendError(_msg: Message): ZmqError {
    return new ZmqError("EAGAIN");
  }
  /** The next incoming message for the application, if any. Throws for pattern violations. */
  protected abstract xrecv(): In | undefined;
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
    let msg: In | undefined;
    try {
      msg = this.xrecv();
    } catch (err) {
      this.recvWaiter = undefined;
      fail(w, err as Error);
      return;
    }
    if (!msg) return;
    this.recvWaiter = undefined;
    fulfil(w, msg);
  }

  /** Retries a blocked send. */
  /** Whether a send() waits (for room, a peer, or the pattern's turn). */
  protected get sendPending(): boolean {
    return this.sendWaiter !== undefined;
  }

  protected trySend(): void {
    const w = this.sendWaiter;
    if (!w) return;
    try {
      if (!this.xsend(w.msg)) return;
    } catch (err) {
      this.sendWaiter = undefined;
      fail(w, err as Error);
      return;
    }
    this.sendWaiter = undefined;
    fulfil(w, undefined);
  }

  // ---- used by transports (internal)

  /** @internal The security mechanism for new connections. */
  mechanismFactory(): MechanismFactory {
    return mechanismFactoryFor(this, this.#security, this.#curve);
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
    const credentials = this.#security.mechanism === "curve" ? "curvePublicKey/curveSecretKey" : "plainUsername/plainPassword";
    const err = error.code === "EACCES"
      ? new ZmqError("EACCES", `authentication refused by ${address}${status === undefined ? "" : ` (ZAP status ${status})`}: set the right ${credentials} and call connect() again`, address)
      : new ZmqError("EPROTO", `${error.message.startsWith("peer ") ? `${address} ${error.message.slice(5)}` : `handshake with ${address} failed: ${error.message}`}; fix the configuration and call connect() again`, address);
    this.refusal = err;
    if (this.pipes.size === 0) this.rejectWaiters(err);
  }

  /** @internal The security mechanism of new connections. */
  get mechanismName(): MechanismName {
    return this.#security.mechanism === "plain" ? "PLAIN" : this.#security.mechanism === "curve" ? "CURVE" : "NULL";
  }

  /**
   * @internal The Identity this socket announces: the octets `routingId`
   * was set to (a Buffer as given, though it reads back as text), empty
   * when unset.
   */
  identityOctets(): Buffer {
    const id = this.optionValues.get("routingId") as string | Buffer | null | undefined;
    return id === undefined || id === null ? Buffer.alloc(0) : Buffer.from(id);
  }

  /**
   * @internal Settings for a new ZMTP connection, read on purezmq's behalf:
   * a dialer lingering after close() still makes connections.
   */
  engineOptions(address: string): EngineOptions {
    return ownWork(() => this.connectionSettings(address));
  }

  /** Settings for a new ZMTP connection from the options; a pattern adds its own. */
  protected connectionSettings(address: string): EngineOptions {
    const identity = this.socketType === "REQ" || this.socketType === "DEALER" || this.socketType === "ROUTER"
      ? this.identityOctets()
      : undefined;
    return {
      socketType: this.socketType,
      identity,
      mechanism: this.mechanismFactory(),
      maxMessageSize: this.maxMessageSize,
      maxMessageParts: this.maxMessageParts,
      idleTimeout: this.idleTimeout,
      handshakeTimeout: this.handshakeInterval,
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      heartbeatTimeToLive: this.heartbeatTimeToLive,
      address,
    };
  }

  /** @internal A new pipe to a peer, joined to the pattern. */
  openPipe(endpoint: string, connectRoutingId?: Buffer): Pipe {
    const pipe = new Pipe(this, endpoint, this.#sendHwm, this.#receiveHwm);
    pipe.connectRoutingId = connectRoutingId;
    this.pipes.add(pipe);
    // libzmq queues the probe first thing, before any message of the application.
    if (this.#probe) pipe.write([Buffer.alloc(0)]);
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

  /** @internal See NetOwner: ZMQ_IMMEDIATE here; a STREAM's peers are always one connection each. */
  get pipePerConnection(): boolean {
    return ownOption(this, "immediate");
  }

  /** @internal Whether bind() or connect() gave the socket an endpoint (a Proxy needs one on each side). */
  get hasEndpoints(): boolean {
    return this.endpoints.size > 0;
  }

  /** @internal */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** A tcp/ipc listener closed: ZMQ_EVENT_CLOSED (inproc has no listener to close). */
  private reportListenerClosed(ep: Endpointish): void {
    if (ep instanceof NetListener) this.emit({ type: "close", address: ep.address });
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

  /**
   * Rejects the pending send and receive with `err`, or, by default, as
   * zeromq.js does when close() cancels them: with what one last attempt
   * fails with (EAGAIN; EHOSTUNREACH for a mandatory ROUTER's send).
   */
  private rejectWaiters(err?: ZmqError): void {
    const s = this.sendWaiter;
    const r = this.recvWaiter;
    this.sendWaiter = undefined;
    this.recvWaiter = undefined;
    if (s) fail(s, err ?? this.xsendError(s.msg));
    if (r) fail(r, err ?? new ZmqError("EAGAIN"));
  }

  /** zeromq.js's checks before any operation: EBUSY while a bind/unbind or a proxy holds the socket, EBADF once closed. */
  private assertOpen(): void {
    if (this.#blocked || this.heldByProxy()) throw new ZmqError("EBUSY", BLOCKED);
    if (this.isClosed) throw closedError();
  }
}

/**
 * Options read when a connection or listener is made, with zeromq.js's
 * defaults and, for numbers, libzmq's type and range (the heartbeat TTL
 * is kept in deciseconds; a `heartbeatTimeout` of -1 reads back but cannot
 * be set, as in libzmq).
 */
defineOptionMethods(Socket.prototype, "socket");

defineDeferredOptions(Socket.prototype, {
  routingId: { kind: "string", initial: null, rule: { required: true, maxBytes: 255 } },
  reconnectInterval: { kind: "number", initial: 100, rule: FROM_MINUS_ONE },
  reconnectMaxInterval: { kind: "number", initial: 0, rule: FROM_ZERO },
  maxMessageSize: { kind: "number", initial: -1, rule: { store: "int64" } },
  immediate: { kind: "boolean", initial: false },
  handshakeInterval: { kind: "number", initial: 30000, rule: FROM_ZERO },
  heartbeatInterval: { kind: "number", initial: 0, rule: FROM_ZERO },
  heartbeatTimeout: { kind: "number", initial: -1, rule: FROM_ZERO },
  heartbeatTimeToLive: { kind: "number", initial: 0, rule: { store: "int", min: 0, max: 0xffff, unit: 100 } },
  zapDomain: { kind: "string", initial: null, rule: { required: true, maxBytes: 255 } },
  backlog: { kind: "number", initial: 100, rule: FROM_ZERO },
  ipv6: { kind: "boolean", initial: false },
  tcpKeepalive: { kind: "number", initial: -1, rule: { store: "int", min: -1, max: 1 } },
  tcpKeepaliveIdle: { kind: "number", initial: -1, rule: FROM_MINUS_ONE },
  tcpKeepaliveCount: { kind: "number", initial: -1, rule: FROM_MINUS_ONE },
  tcpKeepaliveInterval: { kind: "number", initial: -1, rule: FROM_MINUS_ONE },
  connectTimeout: { kind: "number", initial: 0, rule: FROM_ZERO },
  tcpMaxRetransmitTimeout: { kind: "number", initial: 0, rule: FROM_ZERO },
  sendBufferSize: { kind: "number", initial: -1, rule: FROM_MINUS_ONE },
  receiveBufferSize: { kind: "number", initial: -1, rule: FROM_MINUS_ONE },
  typeOfService: { kind: "number", initial: 0, rule: FROM_ZERO },
  interface: { kind: "string", initial: null, rule: { maxBytes: 16 } },
  socksProxy: { kind: "string", initial: null, rule: {} },
  affinity: { kind: "number", initial: 0, rule: { store: "uint64" } },
  rate: { kind: "number", initial: 100, rule: FROM_ONE },
  recoveryInterval: { kind: "number", initial: 10000, rule: FROM_ZERO },
  multicastHops: { kind: "number", initial: 1, rule: FROM_ONE },
  multicastMaxTransportDataUnit: { kind: "number", initial: 1500, rule: FROM_ONE },
  zapEnforceDomain: { kind: "boolean", initial: false },
  loopbackFastPath: { kind: "boolean", initial: false },
});

// The VMCI options: zeromq.js checks the type, warns as for any deferred
// option, then libzmq without the VMCI transport refuses them.
for (const name of ["vmciBufferSize", "vmciBufferMinSize", "vmciBufferMaxSize", "vmciConnectTimeout"]) {
  Object.defineProperty(Socket.prototype, name, {
    configurable: true,
    get() {
      throw new ZmqError("EINVAL");
    },
    set(this: Socket, value: unknown) {
      checkOptionType("number", value);
      this.warnDeferredOption();
      throw new ZmqError("EINVAL");
    },
  });
}

// zeromq.js's socket methods are read-only: assigning one throws a TypeError.
for (const name of ["bind", "unbind", "connect", "disconnect", "close", "send", "receive"] as const) {
  Object.defineProperty(Socket.prototype, name, { writable: false });
}
