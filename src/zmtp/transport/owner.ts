/**
 * What a transport needs of the socket it carries connections for. The
 * transports hand each new connection's pipe to this owner and never see
 * the socket class itself, so dependencies point from the socket down to
 * the transports, as DESIGN.md draws the layers.
 */
import type { Buffer } from "node:buffer";
import type { EngineOptions } from "../engine.js";
import type { ReportedEvent } from "../events.js";
import type { PeerInfo, Pipe, PipeOwner } from "../pipe.js";
import type { AcceptFilter } from "./accept-filter.js";
import type { MechanismName, SocketTypeName, ZmtpProtocolError } from "../wire/index.js";

/** The owner of inproc links: a socket, or the ZAP client's one-pipe stand-in. */
export interface InprocOwner extends PipeOwner {
  readonly socketType: SocketTypeName;
  /** The Identity it announces: the octets its routingId was set to, empty when unset. */
  identityOctets(): Buffer;
  readonly immediate: boolean;
  readonly receiveHighWaterMark: number;
  readonly closed: boolean;
  /**
   * A new pipe to a peer, joined to the pattern; `connectRoutingId` is the
   * routing id connect() named for that peer (a ROUTER routes to it at once).
   */
  openPipe(endpoint: string, connectRoutingId?: Buffer): Pipe;
  /** The pipe's peer is known; returns a reason to refuse it, or undefined. */
  pipeHandshake(pipe: Pipe, peer: PeerInfo): string | undefined;
  /** The pipe is gone for good. */
  closePipe(pipe: Pipe): void;
  /** Reports a socket event. */
  emit(event: ReportedEvent): void;
}

/** The owner of tcp and ipc listeners and dialers. */
export interface NetOwner extends InprocOwner {
  /**
   * Whether each connection of a dialer gets a pipe of its own, ended with
   * the connection (ZMQ_IMMEDIATE, and always for STREAM, whose peers are
   * connections), instead of one pipe that queues across reconnects. The
   * first pipe is made at connect() unless ZMQ_IMMEDIATE is set, the others
   * at their handshake.
   */
  readonly pipePerConnection: boolean;
  readonly isOpen: boolean;
  readonly maxConnections: number;
  /** ZMQ_TCP_ACCEPT_FILTER: the peers tcp:// and ws:// listeners accept (empty: all). */
  readonly acceptFilters: readonly AcceptFilter[];
  readonly reconnectInterval: number;
  readonly reconnectMaxInterval: number;
  /** ZMQ_BACKLOG, for listen(). */
  readonly backlog: number;
  /** ZMQ_CONNECT_TIMEOUT in ms; 0 = the system's. */
  readonly connectTimeout: number;
  /** ZMQ_TCP_KEEPALIVE: 1 on, 0 off, -1 the system's default. */
  readonly tcpKeepalive: number;
  /** ZMQ_TCP_KEEPALIVE_IDLE in seconds; -1 = the system's. */
  readonly tcpKeepaliveIdle: number;
  /** The socket's context (its `blocky`, as zeromq.js has it, is read at exit). */
  readonly context: { readonly blocky: boolean };
  /** Closes the socket (at exit, with messages still queued). */
  close(): void;
  /** The security mechanism of new connections (ws:// names it in the subprotocol). */
  readonly mechanismName: MechanismName;
  /** Settings for a new ZMTP connection with `address`. */
  engineOptions(address: string): EngineOptions;
  /** A handshake with `address` failed for a reason retrying cannot cure. */
  handshakeRefused(address: string, error: ZmtpProtocolError): void;
}
