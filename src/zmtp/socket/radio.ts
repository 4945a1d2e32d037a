/**
 * RADIO (RFC 48): sends each message to the DISH peers that joined its
 * group (the `group` option of send()), filtering here, on the sending
 * side. A peer over its send high-water mark misses the message (dropped
 * for it alone, never blocking). Never receives.
 *
 * A dish's JOIN and LEAVE commands reach the pipe as messages holding the
 * command body (the engine passes on only those; inproc dishes write the
 * same form) and are taken at once, whatever the application does.
 */
import { Buffer } from "node:buffer";
import { withHead } from "../message.js";
import type { Message, Pipe } from "../pipe.js";
import { GROUP_CODEC, type UdpCodec } from "../transport/udp.js";
import { decodeGroupCommand, ZmtpProtocolError } from "../wire/index.js";
import { distribute } from "./distributor.js";
import { groupName, GroupMembers } from "./groups.js";
import { cannotReceive } from "./one-way.js";
import { requireOptionsObject, requiredOption } from "./send-options.js";
import { refuseMultipart } from "./single-part.js";
import { Socket, type SocketOptions } from "./socket.js";

/** The options of `Radio.send()`. */
export interface RadioGroupOptions {
  /** The group the message goes to: at most 255 octets. */
  group: Buffer | string;
}

/** Options of a Radio socket. */
export interface RadioOptions extends SocketOptions {
  maxGroupsPerPeer?: number;
  maxGroups?: number;
}

/** A RADIO socket (draft). */
export class Radio extends Socket<Buffer[], [RadioGroupOptions]> {
  readonly socketType = "RADIO";
  /**
   * Joins one peer may hold, all groups together (purezmq's own option;
   * libzmq has no such bound): a JOIN past it ends that peer's connection
   * (`disconnect`, code ENOBUFS). -1 = no limit.
   */
  maxGroupsPerPeer = 10_000;
  /**
   * Joins all peers may hold together (purezmq's own option): without it,
   * many dishes, each under maxGroupsPerPeer, could still fill the memory.
   * A JOIN past it ends the connection of the peer that sent it
   * (`disconnect`, code ENOBUFS). -1 = no limit.
   */
  maxGroups = 100_000;
  private readonly members = new GroupMembers();
  private readonly targets: Pipe[] = [];

  constructor(options?: RadioOptions) {
    super(options);
    this.setOptions(options);
  }

  /** A udp:// peer gets every message: its dish filters, as in libzmq. */
  private readonly udpPipes = new Set<Pipe>();

  protected xattach(pipe: Pipe): void {
    if (pipe.endpoint.startsWith("udp://")) this.udpPipes.add(pipe);
  }

  /** A Radio connects to udp:// endpoints, unicast or multicast. */
  protected override udpCodec(bind: boolean): UdpCodec | undefined {
    return bind ? undefined : GROUP_CODEC;
  }

  protected xdetach(pipe: Pipe): void {
    this.members.removePipe(pipe);
    this.udpPipes.delete(pipe);
  }

  /** JOIN and LEAVE are control traffic: taken as soon as they arrive. */
  protected xreadablePipe(pipe: Pipe): void {
    let msg: Message | undefined;
    while (!pipe.detached && (msg = pipe.read()) !== undefined) this.incoming(pipe, msg);
  }

  protected override checkSendOptions(options: [RadioGroupOptions]): void {
    requireOptionsObject(options);
  }

  /** The group goes first, as on the wire. */
  protected override outgoing(parts: Message, [options]: [RadioGroupOptions]): Message {
    return withHead(groupName(requiredOption(options, "group")), parts);
  }

  protected xsend(msg: Message): boolean {
    refuseMultipart(msg.slice(1), "Radio");
    const targets = this.members.membersOf(msg[0]!, this.targets);
    for (const pipe of this.udpPipes) targets.push(pipe);
    return distribute(targets, msg, false);
  }

  /** A Radio cannot receive: rejects with ENOTSUP, as libzmq's zmq_recv does. */
  protected xrecv(): Buffer[] | undefined {
    throw cannotReceive("Radio");
  }

  protected xreadable(): boolean {
    return false;
  }

  protected xwritable(): boolean {
    return true;
  }

  /** One message from a dish: a JOIN or LEAVE; anything else is dropped, as libzmq does. */
  private incoming(pipe: Pipe, msg: Message): void {
    if (msg.length !== 1) return;
    let cmd: { join: boolean; group: Buffer } | undefined;
    try {
      cmd = decodeGroupCommand(msg[0]!);
    } catch {
      return;
    }
    if (!cmd) return;
    if (!cmd.join) {
      this.members.leave(cmd.group, pipe);
      return;
    }
    const refusal = this.overBound(pipe);
    if (refusal !== undefined) {
      pipe.abort(new ZmtpProtocolError(`JOIN refused: ${refusal}`, "ENOBUFS"));
      return;
    }
    this.members.join(cmd.group, pipe);
  }

  /** Why one more JOIN of `pipe` would be over a bound, or undefined when it is not. */
  private overBound(pipe: Pipe): string | undefined {
    const perPeer = this.maxGroupsPerPeer;
    if (perPeer >= 0 && this.members.joinsOf(pipe) >= perPeer) return `the peer holds ${perPeer} joins already, the maxGroupsPerPeer bound`;
    const all = this.maxGroups;
    if (all >= 0 && this.members.total >= all) return `the peers hold ${all} joins already, the maxGroups bound`;
    return undefined;
  }
}
