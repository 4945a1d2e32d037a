/**
 * tcp://, ipc:// and ws:// over node:net: a listener that accepts peers for
 * bind(), and a dialer that connects, and reconnects with back-off, for
 * connect(). Both run each connection through an {@link Engine} (a
 * {@link RawEngine} for a STREAM socket). A dialer
 * given a `connect` function dials tcp:// through it instead of node:net
 * (stream-connect.ts); ws:// connections are WebSockets (zws-duplex.ts).
 */
import { Buffer } from "node:buffer";
import { existsSync, lstatSync, unlinkSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import * as net from "node:net";
import { Engine, type ConnectionEngine, type EngineHost, type EngineOptions } from "../engine.js";
import { RawEngine } from "../raw-engine.js";
import type { Pipe } from "../pipe.js";
import { ZmtpProtocolError } from "../wire/index.js";
import { zwsMessageBound } from "../wire/zws.js";
import { ZmqError } from "../errors.js";
import { acceptedBy } from "./accept-filter.js";
import { formatTcp, formatWs, type Endpoint } from "./endpoint.js";
import { forget, lingerDone, lingerStart, watch, type ExitDrainable } from "./exit-drain.js";
import type { NetOwner } from "./owner.js";
import { WebStreamDuplex, type StreamConnect } from "./stream-connect.js";
import { ZwsDuplex } from "./zws-duplex.js";
import { dialWebSocket, serveZws, zwsOffer } from "./zws-websocket.js";
import { ownOption } from "../closed-options.js";

type NetEndpoint = Exclude<Endpoint, { transport: "inproc" | "udp" }>;

/**
 * Whether a connection that ended with `error` is tried again: after a
 * timeout, a connection lost (EPIPE, ECONNRESET) and a failure of ours
 * (EINTERNAL), as libzmq does; after a protocol error or a refusal it ends
 * the session instead.
 */
function retried(error: ZmtpProtocolError): boolean {
  const code = error.code;
  return code === "ETIMEDOUT" || code === "EINTERNAL" || code === "EPIPE" || code === "ECONNRESET";
}

/**
 * Reports how a connection ended, as zeromq.js events: a connection that
 * failed its handshake (the peer refused, broke the protocol, went silent
 * or went away) reports why, then `disconnect`, as libzmq does.
 */
function reportEnd(socket: NetOwner, address: string, error: ZmtpProtocolError | undefined, handshaken: boolean): void {
  if (!handshaken && error) {
    const type = error.code === "EACCES" ? "handshake:error:auth"
      : retried(error) ? "handshake:error:other"
      : "handshake:error:protocol";
    socket.emit({ type, address, error });
    socket.emit({ type: "disconnect", address });
  } else if (handshaken) {
    socket.emit(error ? { type: "disconnect", address, error } : { type: "disconnect", address });
  }
}

/**
 * ZMQ_TCP_KEEPALIVE (1 on, 0 off, -1 the system's default) and
 * ZMQ_TCP_KEEPALIVE_IDLE (seconds), as far as node:net can set them.
 */
function applyKeepAlive(socket: NetOwner, stream: net.Socket): void {
  const keepalive = ownOption(socket, "tcpKeepalive");
  const idle = ownOption(socket, "tcpKeepaliveIdle");
  if (keepalive === 1) stream.setKeepAlive(true, idle > 0 ? idle * 1000 : 0);
  else if (keepalive === 0) stream.setKeepAlive(false);
}

/**
 * An ipc:// listen failure with the system's code: libuv reports a missing
 * directory as EACCES, which libzmq (and so zeromq.js) reports as ENOENT.
 */
function ipcListenError(err: NodeJS.ErrnoException, path: string): NodeJS.ErrnoException {
  // The directory part, written out: the portable build maps node:fs, not node:path.
  const directory = path.slice(0, path.lastIndexOf("/") + 1) || ".";
  if (err.code === "EACCES" && !existsSync(directory)) err.code = "ENOENT";
  return err;
}

/** The address an endpoint is known by. */
function formatEndpoint(ep: NetEndpoint): string {
  return ep.transport === "tcp" ? formatTcp(ep.host, ep.port) : ep.transport === "ws" ? formatWs(ep) : `ipc://${ep.path}`;
}

/**
 * The HTTP server of a ws:// listener. A connection that has not sent its
 * whole upgrade request within `handshakeTimeout` (0: never) is closed, as
 * a ZMTP peer that has not finished its handshake is; Node looks for such
 * connections every quarter of that time (within 250 ms and 30 s).
 */
function zwsHttpServer(handshakeTimeout: number): ReturnType<typeof createHttpServer> {
  return createHttpServer({
    headersTimeout: handshakeTimeout,
    requestTimeout: handshakeTimeout,
    connectionsCheckingInterval: Math.min(Math.max(handshakeTimeout / 4, 250), 30_000),
  });
}

/** The engine of a new connection: raw for a STREAM socket, ZMTP otherwise. */
function openEngine(stream: net.Socket | WebStreamDuplex | ZwsDuplex, options: EngineOptions, host: EngineHost): ConnectionEngine {
  return options.socketType === "STREAM" ? new RawEngine(stream, options, host) : new Engine(stream, options, host);
}

/** Accepts peers on a bound endpoint. */
export class NetListener implements EngineHost {
  address: string;
  private readonly server: net.Server;
  private readonly connections = new Map<ConnectionEngine, Pipe | undefined>();
  private ipcPath: string | undefined;
  /** Stops serving ws:// (an HTTP server's upgrades). */
  private stopZws: (() => void) | undefined;
  /** The TCP connections of a ws:// listener, upgraded or not yet. */
  private readonly httpConnections = new Set<net.Socket>();
  /** Those of them that became ZWS connections: the others are still in their HTTP request. */
  private readonly upgraded = new WeakSet<net.Socket>();

  constructor(
    private readonly socket: NetOwner,
    private readonly ep: NetEndpoint,
  ) {
    this.address = formatEndpoint(ep);
    // Listening and connections do not keep the process alive (see keep-alive.ts).
    if (ep.transport === "ws") {
      // An HTTP server whose upgrades become connections (listen() sets them up).
      this.server = zwsHttpServer(socket.engineOptions(this.address).handshakeTimeout).unref();
      this.server.on("connection", (raw: net.Socket) => this.admitHttp(raw));
    } else {
      this.server = net.createServer((stream) => this.accept(stream)).unref();
    }
  }

  async listen(): Promise<void> {
    const ep = this.ep;
    if (ep.transport === "ipc") this.removeStaleIpc(ep.path);
    if (ep.transport === "ws") {
      zwsOffer(this.socket.mechanismName, this.address);
      const { socketType, maxMessageSize } = this.socket.engineOptions(this.address);
      this.stopZws = await serveZws(this.server as ReturnType<typeof createHttpServer>, {
        path: ep.path,
        mechanism: this.socket.mechanismName,
        maxPayload: zwsMessageBound(maxMessageSize),
      }, (ws, request) => this.accept(new ZwsDuplex(ws, socketType), request.socket));
    }
    return new Promise((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException): void => reject(ep.transport === "ipc" ? ipcListenError(err, ep.path) : err);
      this.server.once("error", failed);
      const done = (): void => {
        this.server.off("error", failed);
        this.server.on("error", (err) => this.socket.emit({ type: "accept:error", address: this.address, error: Object.assign(err, { code: (err as NodeJS.ErrnoException).code ?? "EPROTO" }) }));
        const addr = this.server.address();
        if (ep.transport !== "ipc" && addr && typeof addr === "object") this.address = formatEndpoint({ ...ep, port: addr.port });
        if (ep.transport === "ipc") this.ipcPath = ep.path;
        resolve();
      };
      const backlog = ownOption(this.socket, "backlog");
      if (ep.transport === "ipc") this.server.listen({ path: ep.path, backlog }, done);
      else this.server.listen({ host: ep.host, port: ep.port, exclusive: true, backlog }, done);
    });
  }

  /** Stops listening and ends the accepted connections (after `linger`). */
  close(linger: number): void {
    this.server.close();
    this.stopZws?.();
    if (this.ipcPath) {
      this.removeStaleIpc(this.ipcPath);
      this.ipcPath = undefined;
    }
    for (const engine of [...this.connections.keys()]) engine.shutdown(linger);
    // Connections still in their HTTP request belong to no engine: left
    // alone, they would stay open until handshakeInterval.
    for (const raw of this.httpConnections) if (!this.upgraded.has(raw)) raw.destroy();
  }

  engineReady(engine: ConnectionEngine, peer: Parameters<NetOwner["pipeHandshake"]>[1]): Pipe | string {
    const pipe = this.socket.openPipe(this.address);
    const refused = this.socket.pipeHandshake(pipe, peer);
    if (refused !== undefined) {
      this.socket.closePipe(pipe);
      return refused;
    }
    this.connections.set(engine, pipe);
    this.socket.emit({ type: "handshake", address: this.address });
    return pipe;
  }

  engineClosed(engine: ConnectionEngine, error: ZmtpProtocolError | undefined, handshaken: boolean): void {
    const pipe = this.connections.get(engine);
    this.connections.delete(engine);
    if (pipe) this.socket.closePipe(pipe);
    reportEnd(this.socket, this.address, error, handshaken);
  }

  /**
   * Closes a peer just accepted if it is turned away: outside
   * tcpAcceptFilter (checked when `raw`, its TCP connection, is given), or
   * over maxConnections with `held` connections already (when given); says
   * why with an accept:error event. Returns whether it was.
   */
  private refusedAtAccept(stream: { destroy(): void }, raw: net.Socket | undefined, held: number | undefined): boolean {
    const max = ownOption(this.socket, "maxConnections");
    let error: Error;
    if (raw && this.ep.transport !== "ipc" && !acceptedBy(this.socket.acceptFilters, raw.remoteAddress, raw.remoteFamily)) {
      // libzmq closes such a peer at once and reports the errno its accept loop left: EAGAIN.
      error = new ZmqError("EAGAIN", `${raw.remoteAddress ?? "the peer"} is not in tcpAcceptFilter; peer refused`);
    } else if (held !== undefined && max >= 0 && held >= max) {
      // At the bound: refuse the newcomer, keep the connections already served.
      error = Object.assign(new Error(`${this.address} already holds maxConnections (${max}) connections; peer refused`), { code: "EMFILE" });
    } else {
      return false;
    }
    stream.destroy();
    this.socket.emit({ type: "accept:error", address: this.address, error });
    return true;
  }

  /**
   * A TCP connection to a ws:// listener, admitted when accepted: until
   * its upgrade it holds a slot of maxConnections as a peer in its
   * handshake does, so connections that send no request cannot pile up.
   */
  private admitHttp(raw: net.Socket): void {
    raw.unref();
    if (this.refusedAtAccept(raw, undefined, this.httpConnections.size)) return;
    this.httpConnections.add(raw);
    raw.once("close", () => this.httpConnections.delete(raw));
  }

  /** A new peer on `stream`; `raw` is its TCP connection (the stream itself, but for ws://). */
  private accept(stream: net.Socket | ZwsDuplex, raw: net.Socket = stream as net.Socket): void {
    if (!this.socket.isOpen) {
      stream.destroy();
      return;
    }
    // A ws:// peer was counted when its TCP connection was accepted (admitHttp).
    if (this.ep.transport === "ws") this.upgraded.add(raw);
    if (this.refusedAtAccept(stream, raw, this.ep.transport === "ws" ? undefined : this.connections.size)) return;
    raw.unref();
    this.socket.emit({ type: "accept", address: this.address });
    applyKeepAlive(this.socket, raw);
    const remote = raw.remoteAddress ? formatTcp(raw.remoteAddress, raw.remotePort ?? 0) : this.address;
    const engine = openEngine(stream, this.socket.engineOptions(remote), this);
    this.connections.set(engine, undefined);
  }

  /** A socket file left by a dead process would make listen fail (libzmq unlinks it too). */
  private removeStaleIpc(path: string): void {
    try {
      if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
    } catch {
      /* listen reports the real problem */
    }
  }
}

/** An abandoned dial's late error has no one to tell. */
function ignore(): void {}

/**
 * Connects to an endpoint and keeps reconnecting until closed. Closed with
 * messages queued before any connection, it keeps dialing for up to
 * `linger` ms to deliver them, as libzmq does.
 */
export class NetDialer implements EngineHost, ExitDrainable {
  private pipe: Pipe | undefined;
  private engine: ConnectionEngine | undefined;
  /** Whether {@link engine} finished its handshake (its pipe carries messages). */
  private handshaken = false;
  private attempt: net.Socket | WebStreamDuplex | ZwsDuplex | undefined;
  /** Removes this dialer's listeners from `attempt`. */
  private attemptListeners: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private interval: number;
  private stopped = false;
  /** Set while closed but still dialing to deliver queued messages. */
  private lingering = false;
  /** When a lingering dialer gives up (`performance.now()` ms). */
  private lingerDeadline = Infinity;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** The subprotocols to offer (ws:// only), checked when connect() is called. */
  private readonly zwsOffer: string[] | undefined;

  constructor(
    private readonly socket: NetOwner,
    private readonly ep: NetEndpoint,
    readonly address: string,
    private readonly connectRoutingId: Buffer | undefined,
    /** Dials tcp:// endpoints instead of node:net (the socket's `connect` option). */
    private readonly streamConnect?: StreamConnect,
  ) {
    this.interval = ownOption(socket, "reconnectInterval");
    if (ep.transport === "ws") this.zwsOffer = zwsOffer(socket.mechanismName, address);
    // Without `immediate`, messages queue in the pipe before the first
    // connection (a STREAM's too: its peer's route exists from connect()).
    if (!ownOption(socket, "immediate")) this.pipe = this.newPipe();
    watch(this);
    this.dial();
  }

  get blocky(): boolean {
    return this.socket.context.blocky;
  }

  hasQueuedOutput(): boolean {
    return this.pipe !== undefined && !this.pipe.detached && this.pipe.outLength > 0;
  }

  closeOwner(): void {
    this.socket.close();
  }

  /** Stops reconnecting; ends the connection after `linger`. */
  close(linger: number): void {
    if (this.stopped) return;
    this.stopped = true;
    forget(this);
    // Not connected yet, or still in the handshake: keep at it to deliver.
    if (!this.handshaken && linger !== 0 && this.hasQueuedOutput()) {
      this.lingerUnconnected(linger);
      return;
    }
    clearTimeout(this.timer);
    this.abandonAttempt();
    if (this.engine) this.engine.shutdown(linger);
    else this.dropPipe();
  }

  /**
   * Ends a dial in progress. Its listeners go first: the connection's
   * handle closes only in a later turn of the event loop, and until then
   * they would keep this dialer, its socket and its context from the
   * garbage collector (zeromq.js frees a closed socket's context at once).
   */
  private abandonAttempt(): void {
    const attempt = this.attempt;
    this.attempt = undefined;
    if (!attempt) return;
    this.attemptListeners?.();
    this.attemptListeners = undefined;
    attempt.on("error", ignore);
    attempt.destroy();
  }

  engineReady(_engine: ConnectionEngine, peer: Parameters<NetOwner["pipeHandshake"]>[1]): Pipe | string {
    // A pipe the socket gave up (ROUTER handover) is not reused.
    if (this.pipe?.detached) this.pipe = undefined;
    const pipe = this.pipe ?? (this.pipe = this.newPipe());
    const refused = this.socket.pipeHandshake(pipe, peer);
    if (refused !== undefined) return refused;
    this.handshaken = true;
    this.interval = ownOption(this.socket, "reconnectInterval");
    this.socket.emit({ type: "handshake", address: this.address });
    if (this.lingering) {
      // Connected at last: deliver, then end within what is left of the linger.
      const left = this.lingerDeadline === Infinity ? -1 : Math.max(1, Math.ceil(this.lingerDeadline - performance.now()));
      queueMicrotask(() => this.engine?.shutdown(left));
    }
    return pipe;
  }

  engineClosed(_engine: ConnectionEngine, error: ZmtpProtocolError | undefined, handshaken: boolean): void {
    this.engine = undefined;
    this.handshaken = false;
    // libzmq reports nothing for a connection the application ended (disconnect, close).
    if (!this.stopped) reportEnd(this.socket, this.address, error, handshaken);
    // libzmq ends a session after a protocol error or a refusal instead of reconnecting.
    const fatal = error !== undefined && !retried(error);
    if (this.stopped || fatal || this.socket.pipePerConnection) this.dropPipe();
    if (fatal && !handshaken && !this.stopped) this.socket.handshakeRefused(this.address, error);
    if (this.stopped || fatal) return;
    this.scheduleReconnect();
  }

  private newPipe(): Pipe {
    const pipe = this.socket.openPipe(this.address, this.connectRoutingId);
    return pipe;
  }

  private dropPipe(): void {
    if (this.pipe) this.socket.closePipe(this.pipe);
    this.pipe = undefined;
    if (!this.lingering) return;
    this.lingering = false;
    clearTimeout(this.lingerTimer);
    lingerDone(this);
  }

  /** Closed before connecting (or mid-handshake), with messages queued: keep dialing to deliver them. */
  private lingerUnconnected(linger: number): void {
    this.lingering = true;
    lingerStart(this);
    if (linger < 0) return;
    this.lingerDeadline = performance.now() + linger;
    this.lingerTimer = setTimeout(() => {
      clearTimeout(this.timer);
      this.abandonAttempt();
      if (this.engine) this.engine.shutdown(0);
      else this.dropPipe();
    }, linger).unref();
  }

  /** Open, or closed and lingering. */
  private get active(): boolean {
    return this.lingering || (!this.stopped && this.socket.isOpen);
  }

  private dial(): void {
    if (!this.active) return;
    const ep = this.ep;
    const stream = ep.transport === "ipc" ? net.connect(ep.path).unref()
      : ep.transport === "ws" ? this.dialWs(ep)
      : this.streamConnect ? new WebStreamDuplex(this.streamConnect, { hostname: ep.host, port: ep.port })
      : net.connect({ host: ep.host, port: ep.port }).unref();
    this.attempt = stream;
    // libzmq's tcp connect is asynchronous: ZMQ_EVENT_CONNECT_DELAYED.
    if (ep.transport !== "ipc") this.socket.emit({ type: "connect:delay", address: this.address });
    // ZMQ_CONNECT_TIMEOUT: a dial that has not connected in time is abandoned and retried.
    const timeout = ownOption(this.socket, "connectTimeout");
    const timer = timeout > 0 ? setTimeout(() => onError(), timeout).unref() : undefined;
    // An attempt destroyed by close() is over: no retry may follow it.
    if (timer) stream.once("close", () => clearTimeout(timer));
    const onError = (err?: Error): void => {
      clearTimeout(timer);
      stream.destroy();
      this.attempt = undefined;
      this.attemptListeners = undefined;
      if (err instanceof ZmqError) {
        // No retry can cure it (ws:// with no WebSocket to dial with): say why, as a refused handshake does.
        this.socket.handshakeRefused(this.address, new ZmtpProtocolError(err.message));
        this.close(0);
        return;
      }
      // The failed attempt's socket is closed (ZMQ_EVENT_CLOSED), then retried.
      this.socket.emit({ type: "close", address: this.address });
      this.scheduleReconnect();
    };
    const onConnect = (): void => {
      stream.off("error", onError);
      clearTimeout(timer);
      this.attempt = undefined;
      this.attemptListeners = undefined;
      if (!this.active) {
        stream.destroy();
        return;
      }
      this.socket.emit({ type: "connect", address: this.address });
      if (stream instanceof net.Socket) applyKeepAlive(this.socket, stream);
      this.engine = openEngine(stream, this.socket.engineOptions(this.address), this);
    };
    stream.once("error", onError);
    stream.once("connect", onConnect);
    this.attemptListeners = () => {
      clearTimeout(timer);
      stream.off("error", onError);
      stream.off("connect", onConnect);
    };
  }

  /** A WebSocket to a ws:// endpoint, offering the subprotocols of the socket's mechanism. */
  private dialWs(ep: Extract<NetEndpoint, { transport: "ws" }>): ZwsDuplex {
    const { socketType, maxMessageSize } = this.socket.engineOptions(this.address);
    const ws = dialWebSocket(formatWs(ep), this.zwsOffer!, zwsMessageBound(maxMessageSize));
    return new ZwsDuplex(ws, socketType);
  }

  private scheduleReconnect(): void {
    if (!this.active || ownOption(this.socket, "reconnectInterval") < 0) return;
    const interval = this.interval;
    this.socket.emit({ type: "connect:retry", address: this.address, interval });
    const max = ownOption(this.socket, "reconnectMaxInterval");
    if (max > 0) this.interval = Math.min(interval * 2, max);
    this.timer = setTimeout(() => this.dial(), interval).unref();
  }
}
