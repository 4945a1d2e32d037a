/**
 * ROUTER (RFC 28 section "The ROUTER Socket Type"): each peer gets a routing
 * id (its Identity, or `00` + a uint32 counter), prefixed to what it sends;
 * outgoing messages are routed by their first frame. Unroutable messages are
 * dropped, or fail with EHOSTUNREACH when `mandatory`. A duplicate Identity
 * is refused unless `handover` gives it to the newcomer.
 */
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { RoutingIdCounter } from "./routing-ids.js";
import { checkOptionType } from "../option-values.js";
import { Socket, type SocketOptions } from "./socket.js";

/**
 * The key of a Router's `[ROUTING_KEY](id)`: the text its routes are keyed
 * by, for the RPC layer, which keys its per-client state the same way (a
 * symbol, so that the named surface stays zeromq.js's).
 */
export const ROUTING_KEY: unique symbol = Symbol("purezmq.routingKey");

/** Options of a Router socket. */
export interface RouterOptions extends SocketOptions {
  mandatory?: boolean;
  handover?: boolean;
}

/** A ROUTER socket. */
export class Router extends Socket {
  readonly socketType = "ROUTER";
  #mandatory: boolean = false;
  /**
   * ZMQ_ROUTER_MANDATORY: fail with EHOSTUNREACH instead of dropping
   * unroutable messages. Reading it fails EINVAL, as in zeromq.js (libzmq
   * cannot read it back).
   */
  get mandatory(): boolean {
    throw new ZmqError("EINVAL");
  }
  set mandatory(value: boolean) {
    checkOptionType("boolean", value);
    this.#mandatory = value;
  }
  #handover: boolean = false;
  /** ZMQ_ROUTER_HANDOVER: a peer with an Identity already in use takes it over; write-only, as in zeromq.js. */
  set handover(value: boolean) {
    checkOptionType("boolean", value);
    this.#handover = value;
  }
  private readonly fq = new FairQueue();
  private readonly routes = new Map<string, Pipe>();
  /** The routes key of each routing id Buffer this socket gave a pipe (and hands out with its messages). */
  private readonly keys = new WeakMap<Buffer, string>();
  private readonly ids = new RoutingIdCounter();

  constructor(options?: RouterOptions) {
    super(options);
    this.setOptions(options);
  }

  /**
   * Connects, naming the peer with `routingId` (ZMQ_CONNECT_ROUTING_ID)
   * instead of the identity it announces.
   */
  override connect(address: string, options?: { routingId?: string | Buffer }): void {
    super.connect(address, options);
  }

  protected xattach(pipe: Pipe): void {
    // A peer named at connect() is routable at once, as in libzmq: messages
    // to it wait in the pipe until the connection is made. Others are
    // routable once the handshake names them.
    const id = pipe.connectRoutingId;
    if (id && !this.routes.has(id.toString("latin1"))) this.route(pipe, id);
  }

  /** Names `pipe` by `id` and makes it routable. */
  private route(pipe: Pipe, id: Buffer): void {
    const key = id.toString("latin1");
    pipe.routingId = id;
    this.keys.set(id, key);
    this.routes.set(key, pipe);
  }

  /**
   * @internal The routes key of a routing id: its octets as latin1 text.
   * A reply's first frame is nearly always the very Buffer this socket
   * handed out with the request; its kept text is used when its octets
   * still match it, which costs a few comparisons instead of a conversion
   * (a call into C++) per message.
   */
  [ROUTING_KEY](id: Buffer): string {
    const key = this.keys.get(id);
    return key !== undefined && sameLatin1(id, key) ? key : id.toString("latin1");
  }

  /**
   * The key a pipe named `id` was routed under: kept from when it was
   * named, since the routing id Buffer is handed out with its messages and
   * an application may write into it.
   */
  private keyOf(id: Buffer): string {
    return this.keys.get(id) ?? id.toString("latin1");
  }

  protected override xhandshake(pipe: Pipe): string | undefined {
    if (pipe.routingId) {
      const old = this.keyOf(pipe.routingId);
      if (this.routes.get(old) === pipe) this.routes.delete(old);
    }
    let id = pipe.connectRoutingId ?? (pipe.peer!.identity.length > 0 ? pipe.peer!.identity : undefined);
    if (id) {
      const key = id.toString("latin1");
      const holder = this.routes.get(key);
      if (holder && holder !== pipe) {
        if (!this.#handover) return `routing id ${id.toString("hex")} is already in use`;
        this.routes.delete(key);
        holder.routingId = undefined;
        this.closePipe(holder);
        // libzmq disconnects the peer that lost its routing id.
        holder.terminate();
      }
    } else {
      id = this.ids.freshBytes((key) => this.routes.has(key));
    }
    this.route(pipe, id);
    return undefined;
  }

  protected xdetach(pipe: Pipe): void {
    if (!pipe.routingId) return;
    const key = this.keyOf(pipe.routingId);
    if (this.routes.get(key) === pipe) this.routes.delete(key);
  }

  protected xreadablePipe(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  protected xrecv(): Message | undefined {
    let msg: Message | undefined;
    while ((msg = this.fq.recv()) !== undefined) {
      const id = this.fq.lastPipe!.routingId;
      if (!id) continue; // from a peer refused at its handshake
      // The usual single-part message as a packed literal; otherwise a new
      // array, which beats unshift moving the parts in place.
      if (msg.length === 1) return [id, msg[0]!];
      const out = new Array<Buffer>(msg.length + 1);
      out[0] = id;
      for (let i = 0; i < msg.length; i++) out[i + 1] = msg[i]!;
      return out;
    }
    return undefined;
  }

  protected xsend(msg: Message): boolean {
    // A lone routing id frame goes nowhere, even when mandatory (as in libzmq).
    if (msg.length < 2) return true;
    const pipe = this.routes.get(this[ROUTING_KEY](msg[0]!));
    if (!pipe) {
      if (!this.#mandatory) return true;
      // libzmq's mandatory ROUTER is not writable while no peer can take a
      // message, so the send waits; with one that can, an unknown id fails.
      if (!this.anyWritable()) return false;
      throw new ZmqError("EHOSTUNREACH");
    }
    if (!pipe.writable) return !this.#mandatory; // mandatory waits for room; otherwise drop
    pipe.write(msg.slice(1));
    return true;
  }

  /** libzmq tries once more at the timeout: an unknown peer then fails EHOSTUNREACH. */
  protected override xsendError(msg: Message): ZmqError {
    if (this.#mandatory && msg.length >= 2 && !this.routes.has(this[ROUTING_KEY](msg[0]!))) return new ZmqError("EHOSTUNREACH");
    return super.xsendError(msg);
  }

  private anyWritable(): boolean {
    for (const pipe of this.routes.values()) if (pipe.writable) return true;
    return false;
  }

  protected xreadable(): boolean {
    return this.fq.hasMessages;
  }

  protected xwritable(): boolean {
    return true;
  }
}

/** Whether `bytes` are the latin1 octets of `text` (a routing id: a few octets). */
function sameLatin1(bytes: Buffer, text: string): boolean {
  const n = text.length;
  if (bytes.length !== n) return false;
  for (let i = 0; i < n; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}
