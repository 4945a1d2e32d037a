/**
 * DISH (RFC 48): joins groups with join()/leave() and receives the
 * messages of the groups it joined, as `[message, { group }]`, fair-queued
 * from the RADIO peers; never sends.
 *
 * The joins go to every connected radio as JOIN/LEAVE (the pipe carries
 * the command bodies, which the engine sends as commands), and the whole
 * set goes again on every completed handshake, so a restarted radio learns
 * it. Messages are filtered here too, as libzmq does (a message already
 * queued for a group just left is not delivered).
 *
 * A radio sends each message as two frames, group and body: a message of
 * another shape, or with a group over 255 octets, ends that connection as
 * bad input, as in libzmq.
 */
import { Buffer } from "node:buffer";
import type { EngineOptions } from "../engine.js";
import { closedError, ZmqError } from "../errors.js";
import type { Message, Pipe } from "../pipe.js";
import { DISH_CODEC, type UdpCodec } from "../transport/udp.js";
import { encodeGroupCommand, GROUP_MAX_LENGTH, ZmtpProtocolError } from "../wire/index.js";
import { FairQueue } from "./fair-queue.js";
import { groupName } from "./groups.js";
import { cannotSend } from "./one-way.js";
import { Socket, type SocketOptions } from "./socket.js";

/** What `Dish.receive()` adds to a message. */
export interface DishGroupOptions {
  /** The group the message was sent to. */
  group: Buffer;
}

/** A DISH socket (draft). */
export class Dish extends Socket<[Buffer, DishGroupOptions]> {
  readonly socketType = "DISH";
  /** Joined groups, by their latin1 form. */
  private readonly joined = new Map<string, Buffer>();
  private readonly radios = new Set<Pipe>();
  private readonly fq = new FairQueue();

  constructor(options?: SocketOptions) {
    super(options);
    // libzmq's DISH lingers 0 by default, as XSUB: it queues only joins.
    this.linger = 0;
    this.setOptions(options);
  }

  /**
   * Joins each group (a string or Buffer of at most 255 octets).
   * @throws ZmqError EINVAL for a group joined already or too long;
   *   TypeError for a group neither string nor Buffer
   */
  join(...values: Array<Buffer | string>): void {
    for (const value of values) {
      if (this.closed) throw closedError();
      const group = groupName(value);
      const key = group.toString("latin1");
      if (this.joined.has(key)) throw new ZmqError("EINVAL", `group ${JSON.stringify(key)} is joined already`);
      this.joined.set(key, group);
      this.tell(encodeGroupCommand(true, group));
    }
  }

  /**
   * Leaves each group.
   * @throws ZmqError EINVAL for a group not joined
   */
  leave(...values: Array<Buffer | string>): void {
    for (const value of values) {
      if (this.closed) throw closedError();
      const group = groupName(value);
      const key = group.toString("latin1");
      if (!this.joined.delete(key)) throw new ZmqError("EINVAL", `group ${JSON.stringify(key)} is not joined`);
      this.tell(encodeGroupCommand(false, group));
    }
  }

  /** @internal A radio's message is two frames: the engine ends a connection that sends more. */
  protected override connectionSettings(address: string): EngineOptions {
    const options = super.connectionSettings(address);
    options.maxMessageParts = 2;
    return options;
  }

  /** A Dish binds udp:// endpoints (a multicast group address joins the group). */
  protected override udpCodec(bind: boolean): UdpCodec | undefined {
    return bind ? DISH_CODEC : undefined;
  }

  protected xattach(pipe: Pipe): void {
    this.radios.add(pipe);
  }

  /** Only joins travel upstream, so a reconnect drops stale ones and sends the set again. */
  protected override xhandshake(pipe: Pipe): string | undefined {
    pipe.clearOut();
    for (const group of this.joined.values()) pipe.write([encodeGroupCommand(true, group)]);
    return undefined;
  }

  protected xdetach(pipe: Pipe): void {
    this.radios.delete(pipe);
  }

  protected xreadablePipe(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  protected xrecv(): [Buffer, DishGroupOptions] | undefined {
    let msg: Message | undefined;
    while ((msg = this.fq.recv()) !== undefined) {
      if (msg.length !== 2 || msg[0]!.length > GROUP_MAX_LENGTH) {
        const why = msg.length !== 2 ? `a message of ${msg.length} parts` : `a group of ${msg[0]!.length} octets`;
        this.fq.lastPipe!.abort(new ZmtpProtocolError(`a RADIO sends group and body; the peer sent ${why}`));
        continue;
      }
      if (this.joined.has(msg[0]!.toString("latin1"))) return [msg[1]!, { group: msg[0]! }];
    }
    return undefined;
  }

  /** A Dish cannot send: rejects with ENOTSUP, as libzmq's zmq_send does. */
  protected xsend(_msg: Message): boolean {
    throw cannotSend("Dish");
  }

  protected xreadable(): boolean {
    return this.fq.hasMessages;
  }

  protected xwritable(): boolean {
    return false;
  }

  /** Sends a JOIN or LEAVE to every connected radio, whatever its high-water mark (control traffic). */
  private tell(command: Buffer): void {
    for (const pipe of this.radios) if (pipe.driver !== undefined) pipe.write([command]);
  }
}
