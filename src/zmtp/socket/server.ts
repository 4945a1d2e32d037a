/**
 * SERVER (RFC 41): single-part messages; each CLIENT peer gets a routing
 * id (a non-zero uint32, counting up from a random start, as libzmq
 * does). receive() gives `[message, { routingId }]`; send() takes the
 * routing id in its options. A message for an unknown peer fails
 * EHOSTUNREACH, one for a peer over its high-water mark EAGAIN (as
 * libzmq's zmq_send), one of more than one part EINVAL. A multipart
 * message from a peer is dropped.
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import { withHead } from "../message.js";
import type { Message, Pipe } from "../pipe.js";
import { FairQueue } from "./fair-queue.js";
import { RoutingIdCounter } from "./routing-ids.js";
import { requireOptionsObject, requiredOption } from "./send-options.js";
import { nextSinglePart, refuseMultipart } from "./single-part.js";
import { Socket, type SocketOptions } from "./socket.js";

/** The options of `Server.send()` and what `Server.receive()` adds to a message. */
export interface ServerRoutingOptions {
  /** The peer the message comes from or goes to. */
  routingId: number;
}

/** A SERVER socket (draft). */
export class Server extends Socket<[Buffer, ServerRoutingOptions], [ServerRoutingOptions]> {
  readonly socketType = "SERVER";
  private readonly fq = new FairQueue();
  private readonly routes = new Map<number, Pipe>();
  private readonly ids = new Map<Pipe, number>();
  private readonly counter = new RoutingIdCounter();

  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }

  protected xattach(_pipe: Pipe): void {}

  protected override xhandshake(pipe: Pipe): string | undefined {
    const id = this.counter.freshNumber((n) => this.routes.has(n));
    this.routes.set(id, pipe);
    this.ids.set(pipe, id);
    return undefined;
  }

  protected xdetach(pipe: Pipe): void {
    const id = this.ids.get(pipe);
    if (id === undefined) return;
    this.ids.delete(pipe);
    this.routes.delete(id);
  }

  protected xreadablePipe(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  protected override checkSendOptions(options: [ServerRoutingOptions]): void {
    requireOptionsObject(options);
  }

  /** The routing id (as libzmq reads it, a uint32) goes first, as 4 octets. */
  protected override outgoing(parts: Message, [options]: [ServerRoutingOptions]): Message {
    const id = Buffer.allocUnsafe(4);
    id.writeUInt32BE(Number(requiredOption(options, "routingId")) >>> 0, 0);
    return withHead(id, parts);
  }

  protected xsend(msg: Message): boolean {
    refuseMultipart(msg.slice(1), "Server");
    const pipe = this.routes.get(msg[0]!.readUInt32BE(0));
    if (!pipe) throw new ZmqError("EHOSTUNREACH");
    if (!pipe.writable) throw new ZmqError("EAGAIN");
    pipe.write([msg[1]!]);
    return true;
  }

  protected xrecv(): [Buffer, ServerRoutingOptions] | undefined {
    let msg: Message | undefined;
    while ((msg = nextSinglePart(() => this.fq.recv())) !== undefined) {
      const routingId = this.ids.get(this.fq.lastPipe!);
      if (routingId !== undefined) return [msg[0]!, { routingId }];
    }
    return undefined;
  }

  protected xreadable(): boolean {
    return this.fq.hasMessages;
  }

  protected xwritable(): boolean {
    return true;
  }
}
