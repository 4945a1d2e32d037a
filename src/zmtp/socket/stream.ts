/**
 * STREAM (libzmq's ZMQ_STREAM): raw TCP peers, no ZMTP. Each connection,
 * accepted or dialed, is a peer with a routing id (5 octets, `00` and a
 * uint32 counter, or the `routingId` given to connect()); what it sends
 * arrives as `[routingId, data]`, one message per chunk read, and
 * `[routingId, data]` sends data to it. With {@link Stream.notify} (the
 * default) a peer's connection and its end each arrive as
 * `[routingId, ""]`, after any data; sending `[routingId, ""]` closes the
 * peer once what was sent before is written. A message for an unknown
 * peer fails EHOSTUNREACH, one for a peer over its high-water mark EAGAIN,
 * as in libzmq. A peer closed by an empty message is not announced as gone.
 *
 * A connect()ed peer's route exists from connect() (unless `immediate`):
 * what is sent to it waits for the connection. Once that connection ends
 * the peer is gone (EHOSTUNREACH); a reconnect is a new peer, announced
 * with `[routingId, ""]`.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { checkOptionType } from "../option-values.js";
import { RoutingIdCounter } from "./routing-ids.js";
import { Socket, type SocketOptions } from "./socket.js";

/** Options of a Stream socket. */
export interface StreamOptions extends SocketOptions {
  notify?: boolean;
}

/** The options of `Stream.connect()`. */
export interface StreamConnectOptions {
  /** ZMQ_CONNECT_ROUTING_ID: the routing id of the peer this connection makes (1 to 255 octets, not starting with 0). */
  routingId?: string;
}

const EMPTY = Buffer.alloc(0);

/** A STREAM socket: raw TCP peers. */
export class Stream extends Socket<[Buffer, Buffer]> {
  readonly socketType = "STREAM";
  #notify: boolean = true;
  /** ZMQ_STREAM_NOTIFY: deliver `[routingId, ""]` when a peer connects and when it goes; write-only, as in zeromq.js. */
  set notify(value: boolean) {
    checkOptionType("boolean", value);
    this.#notify = value;
  }
  private readonly fq = new FairQueue();
  private readonly routes = new Map<string, Pipe>();
  /** Set after a routing id part: the next part is data for {@link target}. */
  private dataNext = false;
  private target: Pipe | undefined;
  /** Peers closed by an empty message, whose end is not announced. */
  private readonly closing = new Set<Pipe>();
  private readonly ids = new RoutingIdCounter();

  constructor(options?: StreamOptions) {
    super(options);
    this.setOptions(options);
  }

  /**
   * Connects to a raw TCP peer; `routingId` names it instead of a counter.
   * The connection is announced with `[routingId, ""]`.
   */
  override connect(address: string, options?: StreamConnectOptions): void {
    super.connect(address, options);
  }

  /** @internal A Stream peer is one connection, whatever `immediate` says. */
  override get pipePerConnection(): boolean {
    return true;
  }

  /**
   * A peer's route exists from its pipe's making: at connect() for a peer
   * dialed (unless `immediate`), so that what is sent to it meanwhile
   * waits for the connection, as in libzmq.
   */
  protected xattach(pipe: Pipe): void {
    let id = pipe.connectRoutingId;
    if (!id || id.length === 0 || this.routes.has(id.toString("latin1"))) id = this.ids.freshBytes((key) => this.routes.has(key));
    pipe.routingId = id;
    this.routes.set(id.toString("latin1"), pipe);
  }

  protected override xhandshake(pipe: Pipe): string | undefined {
    // Through the pipe, so that it comes before the peer's data.
    if (this.#notify) pipe.deliver([EMPTY]);
    return undefined;
  }

  protected xdetach(pipe: Pipe): void {
    const id = pipe.routingId;
    if (!id) return;
    const key = id.toString("latin1");
    if (this.routes.get(key) === pipe) this.routes.delete(key);
    // After the peer's last data, which the application may not have read
    // yet; a peer that never connected was never announced.
    if (this.#notify && pipe.peer && !this.closed && !this.closing.delete(pipe)) pipe.deliver([EMPTY]);
  }

  protected xreadablePipe(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  protected xrecv(): [Buffer, Buffer] | undefined {
    let msg: Message | undefined;
    while ((msg = this.fq.recv()) !== undefined) {
      const id = this.fq.lastPipe!.routingId;
      if (id) return [id, msg[0]!];
    }
    return undefined;
  }

  /**
   * libzmq's reading of the parts, kept across sends: a part with MORE
   * while no data is expected names the peer (EHOSTUNREACH when unknown,
   * EAGAIN when full), the part after it is the data, whatever its MORE.
   * A lone part where a routing id is expected is skipped, and then the
   * next part counts as data (dropped): `[id, data]` is the shape to send.
   */
  protected xsend(msg: Message): boolean {
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const part = msg[i]!;
      if (!this.dataNext) {
        if (i < last) {
          const pipe = this.routes.get(part.toString("latin1"));
          if (!pipe) throw new ZmqError("EHOSTUNREACH");
          if (!pipe.writable) throw new ZmqError("EAGAIN");
          this.target = pipe;
        }
        this.dataNext = true;
        continue;
      }
      this.dataNext = false;
      const pipe = this.target;
      this.target = undefined;
      if (!pipe) continue;
      if (part.length === 0) {
        // Closed at our request: not announced as gone, and the id is gone at once.
        this.routes.delete(pipe.routingId!.toString("latin1"));
        this.closing.add(pipe);
      }
      pipe.write([part]);
    }
    return true;
  }

  protected xreadable(): boolean {
    return this.fq.hasMessages;
  }

  protected xwritable(): boolean {
    return true;
  }
}
