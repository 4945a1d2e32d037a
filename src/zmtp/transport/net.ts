/**
 * tcp:// and ipc:// over node:net: a listener that accepts peers for
 * bind(), and a dialer that connects, and reconnects with back-off, for
 * connect(). Both run each connection through an {@link Engine}.
 */
import { Buffer } from "node:buffer";
import { existsSync, lstatSync, unlinkSync } from "node:fs";
import * as net from "node:net";
import { Engine, type EngineHost } from "../engine.js";
import type { Pipe } from "../pipe.js";
import type { Socket } from "../socket/socket.js";
import type { ZmtpProtocolError } from "../wire/index.js";
import { formatTcp, type Endpoint } from "./endpoint.js";

type NetEndpoint = Exclude<Endpoint, { transport: "inproc" }>;

/** Reports how a connection ended, as zeromq.js events. */
function reportEnd(socket: Socket, address: string, error: ZmtpProtocolError | undefined, handshaken: boolean): void {
  if (handshaken) {
    socket.emit(error ? { type: "disconnect", address, error } : { type: "disconnect", address });
  } else if (error) {
    const type = error.code === "EACCES" ? "handshake:error:auth"
      : error.code === "ETIMEDOUT" ? "handshake:error:other"
      : "handshake:error:protocol";
    socket.emit({ type, address, error });
  }
}

/**
 * ZMQ_TCP_KEEPALIVE (1 on, 0 off, -1 the system's default) and
 * ZMQ_TCP_KEEPALIVE_IDLE (seconds), as far as node:net can set them.
 */
function applyKeepAlive(socket: Socket, stream: net.Socket): void {
  const keepalive = socket.tcpKeepalive;
  if (keepalive === 1) stream.setKeepAlive(true, socket.tcpKeepaliveIdle > 0 ? socket.tcpKeepaliveIdle * 1000 : 0);
  else if (keepalive === 0) stream.setKeepAlive(false);
}

/** Accepts peers on a bound endpoint. */
export class NetListener implements EngineHost {
  address: string;
  private readonly server: net.Server;
  private readonly connections = new Map<Engine, Pipe | undefined>();
  private ipcPath: string | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly ep: NetEndpoint,
  ) {
    this.address = ep.transport === "tcp" ? formatTcp(ep.host, ep.port) : `ipc://${ep.path}`;
    this.server = net.createServer((stream) => this.accept(stream));
  }

  listen(): Promise<void> {
    const ep = this.ep;
    if (ep.transport === "ipc") this.removeStaleIpc(ep.path);
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      const done = (): void => {
        this.server.off("error", reject);
        this.server.on("error", (err) => this.socket.emit({ type: "accept:error", address: this.address, error: Object.assign(err, { code: (err as NodeJS.ErrnoException).code ?? "EPROTO" }) }));
        const addr = this.server.address();
        if (ep.transport === "tcp" && addr && typeof addr === "object") this.address = formatTcp(ep.host, addr.port);
        if (ep.transport === "ipc") this.ipcPath = ep.path;
        resolve();
      };
      const backlog = this.socket.backlog;
      if (ep.transport === "tcp") this.server.listen({ host: ep.host, port: ep.port, exclusive: true, backlog }, done);
      else this.server.listen({ path: ep.path, backlog }, done);
    });
  }

  /** Stops listening and ends the accepted connections (after `linger`). */
  close(linger: number): void {
    this.server.close();
    if (this.ipcPath) {
      this.removeStaleIpc(this.ipcPath);
      this.ipcPath = undefined;
    }
    for (const engine of [...this.connections.keys()]) engine.shutdown(linger);
  }

  engineReady(engine: Engine, peer: Parameters<Socket["pipeHandshake"]>[1]): Pipe | string {
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

  engineClosed(engine: Engine, error: ZmtpProtocolError | undefined, handshaken: boolean): void {
    const pipe = this.connections.get(engine);
    this.connections.delete(engine);
    if (pipe) this.socket.closePipe(pipe);
    reportEnd(this.socket, this.address, error, handshaken);
  }

  private accept(stream: net.Socket): void {
    if (!this.socket.isOpen) {
      stream.destroy();
      return;
    }
    const max = this.socket.maxConnections;
    if (max >= 0 && this.connections.size >= max) {
      // At the bound: refuse the newcomer, keep the connections already served.
      stream.destroy();
      const error = Object.assign(new Error(`${this.address} already holds maxConnections (${max}) connections; peer refused`), { code: "EMFILE" });
      this.socket.emit({ type: "accept:error", address: this.address, error });
      return;
    }
    this.socket.emit({ type: "accept", address: this.address });
    applyKeepAlive(this.socket, stream);
    const remote = stream.remoteAddress ? formatTcp(stream.remoteAddress, stream.remotePort ?? 0) : this.address;
    const engine = new Engine(stream, this.socket.engineOptions(remote), this);
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

/** Connects to an endpoint and keeps reconnecting until closed. */
export class NetDialer implements EngineHost {
  private pipe: Pipe | undefined;
  private engine: Engine | undefined;
  private attempt: net.Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private interval: number;
  private stopped = false;

  constructor(
    private readonly socket: Socket,
    private readonly ep: NetEndpoint,
    readonly address: string,
    private readonly connectRoutingId: Buffer | undefined,
  ) {
    this.interval = socket.reconnectInterval;
    // Without `immediate`, messages queue in the pipe before the first connection.
    if (!socket.immediate) this.pipe = this.newPipe();
    this.dial();
  }

  /** Stops reconnecting; ends the connection after `linger`. */
  close(linger: number): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.attempt?.destroy();
    if (this.engine) this.engine.shutdown(linger);
    else this.dropPipe();
  }

  engineReady(_engine: Engine, peer: Parameters<Socket["pipeHandshake"]>[1]): Pipe | string {
    // A pipe the socket gave up (ROUTER handover) is not reused.
    if (this.pipe?.detached) this.pipe = undefined;
    const pipe = this.pipe ?? (this.pipe = this.newPipe());
    const refused = this.socket.pipeHandshake(pipe, peer);
    if (refused !== undefined) return refused;
    this.interval = this.socket.reconnectInterval;
    this.socket.emit({ type: "handshake", address: this.address });
    return pipe;
  }

  engineClosed(_engine: Engine, error: ZmtpProtocolError | undefined, handshaken: boolean): void {
    this.engine = undefined;
    // libzmq reports nothing for a connection the application ended (disconnect, close).
    if (!this.stopped) reportEnd(this.socket, this.address, error, handshaken);
    // libzmq ends a session after a protocol error instead of reconnecting;
    // timeouts and plain disconnects reconnect.
    const fatal = error !== undefined && error.code !== "ETIMEDOUT";
    if (this.stopped || fatal || this.socket.immediate) this.dropPipe();
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
  }

  private dial(): void {
    if (this.stopped || !this.socket.isOpen) return;
    const ep = this.ep;
    const stream = ep.transport === "tcp" ? net.connect({ host: ep.host, port: ep.port }) : net.connect(ep.path);
    this.attempt = stream;
    // libzmq's tcp connect is asynchronous: ZMQ_EVENT_CONNECT_DELAYED.
    if (ep.transport === "tcp") this.socket.emit({ type: "connect:delay", address: this.address });
    // ZMQ_CONNECT_TIMEOUT: a dial that has not connected in time is abandoned and retried.
    const timeout = this.socket.connectTimeout;
    if (timeout > 0) stream.setTimeout(timeout, () => onError());
    const onError = (): void => {
      stream.destroy();
      this.attempt = undefined;
      // The failed attempt's socket is closed (ZMQ_EVENT_CLOSED), then retried.
      this.socket.emit({ type: "close", address: this.address });
      this.scheduleReconnect();
    };
    stream.once("error", onError);
    stream.once("connect", () => {
      stream.off("error", onError);
      if (timeout > 0) stream.setTimeout(0);
      this.attempt = undefined;
      if (this.stopped) {
        stream.destroy();
        return;
      }
      this.socket.emit({ type: "connect", address: this.address });
      applyKeepAlive(this.socket, stream);
      this.engine = new Engine(stream, this.socket.engineOptions(this.address), this);
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped || !this.socket.isOpen || this.socket.reconnectInterval < 0) return;
    const interval = this.interval;
    this.socket.emit({ type: "connect:retry", address: this.address, interval });
    const max = this.socket.reconnectMaxInterval;
    if (max > 0) this.interval = Math.min(interval * 2, max);
    this.timer = setTimeout(() => this.dial(), interval);
  }
}
