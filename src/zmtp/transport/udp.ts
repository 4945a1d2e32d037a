/**
 * udp:// for RADIO, DISH and DGRAM: one datagram per message, no
 * connection, no handshake. What a datagram holds is the socket type's
 * {@link UdpCodec}: libzmq's group form (wire/group.ts) for RADIO and DISH,
 * the raw body with the peer's address beside it (wire/datagram.ts) for
 * DGRAM. A connect() makes a {@link UdpSender} whose pipe's messages go to
 * the endpoint (a RADIO's: no JOIN reaches a radio over UDP, the dish
 * filters); a bind() makes a {@link UdpReceiver} whose pipe takes each
 * datagram in and, for a DGRAM, sends each message to the address it names.
 *
 * Multicast: a socket bound to a group address (224.0.0.0/4 or ff00::/8)
 * listens on the port of every interface and joins the group on the
 * interface named before a `;` (an address or a name, as libzmq takes it),
 * or the system's choice; a radio sends to the group with the socket's
 * `multicastHops` as TTL, looping back to the host's own members as
 * libzmq's default ZMQ_MULTICAST_LOOP does.
 *
 * Bounds: a datagram is at most {@link UDP_MESSAGE_MAX} octets, libzmq's
 * buffer: a larger message is not sent; a larger datagram is dropped by the
 * group form and cut to that size by DGRAM's, as libzmq's read cuts it. A
 * receiving pipe at its high-water mark drops datagrams until the
 * application reads (UDP cannot push back).
 */
import type { Buffer } from "node:buffer";
import * as dgram from "node:dgram";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { ReportedEvent } from "../events.js";
import type { Message, Pipe, PipeDriver, PipeOwner } from "../pipe.js";
import { decodeDatagramAddress, encodeDatagramAddress } from "../wire/datagram.js";
import { decodeGroupDatagram, encodeGroupDatagram } from "../wire/index.js";
import type { UdpEndpoint } from "./endpoint.js";

/** Largest datagram sent or taken: libzmq's MAX_UDP_MSG. */
export const UDP_MESSAGE_MAX = 8192;

/** What the udp transport needs of its socket. */
export interface UdpOwner extends PipeOwner {
  openPipe(endpoint: string): Pipe;
  closePipe(pipe: Pipe): void;
  emit(event: ReportedEvent): void;
  /** ZMQ_MULTICAST_HOPS: the TTL of multicast datagrams. */
  readonly multicastHops: number;
}

/** Where a datagram goes. */
export interface UdpDestination {
  host: string;
  port: number;
}

/** How a socket type's messages become datagrams and datagrams messages. */
export interface UdpCodec {
  /**
   * The datagram (its pieces) of an outgoing message and where it goes
   * when the message says (else to the endpoint); undefined drops the
   * message. Absent for a side that sends nothing: its pipe is emptied.
   */
  readonly encode?: (msg: Message) => { datagram: Uint8Array[]; to?: UdpDestination } | undefined;
  /** The message of a datagram from `from`, or undefined to drop it. */
  readonly decode: (datagram: Buffer, from: UdpDestination) => Message | undefined;
}

/** RADIO to DISH: `[group, body]` as group size, group, body. */
export const GROUP_CODEC: UdpCodec = {
  encode(msg) {
    if (msg.length !== 2 || 1 + msg[0]!.length + msg[1]!.length > UDP_MESSAGE_MAX) return undefined;
    return { datagram: [encodeGroupDatagram(msg[0]!, msg[1]!)] };
  },
  decode(datagram) {
    if (datagram.length > UDP_MESSAGE_MAX) return undefined;
    const msg = decodeGroupDatagram(datagram);
    return msg && [msg.group, msg.body];
  },
};

/** A DISH over UDP takes datagrams and sends nothing: its JOINs have no one to go to. */
export const DISH_CODEC: UdpCodec = { decode: GROUP_CODEC.decode };

/** DGRAM: the body alone on the wire, `[address, body]` at the socket (wire/datagram.ts). */
export const ADDRESSED_CODEC: UdpCodec = {
  encode(msg) {
    if (msg.length !== 2 || msg[1]!.length > UDP_MESSAGE_MAX) return undefined;
    const to = decodeDatagramAddress(msg[0]!);
    return to && { datagram: [msg[1]!], to };
  },
  decode(datagram, from) {
    return [encodeDatagramAddress(from.host, from.port), datagram.subarray(0, UDP_MESSAGE_MAX)];
  },
};

/** True for an IPv4 or IPv6 multicast address. */
export function isMulticast(host: string): boolean {
  if (isIP(host) === 4) return Number(host.split(".")[0]) >= 224 && Number(host.split(".")[0]) <= 239;
  return isIP(host) === 6 && /^ff/i.test(host);
}

/** The address of an interface given by address or by name (`eth0`), in the family of `host`. */
function interfaceAddress(iface: string, host: string): string {
  if (isIP(iface) !== 0) return iface;
  const family = isIP(host) === 6 ? "IPv6" : "IPv4";
  const found = networkInterfaces()[iface]?.find((a) => a.family === family);
  if (!found) throw Object.assign(new Error(`no ${family} address on interface ${iface}`), { code: "ENODEV" });
  return found.address;
}

/** The udp:// socket of one endpoint and the pipe it carries: sending through the codec, and receiving once listening. */
abstract class UdpDriver implements PipeDriver {
  protected pipe: Pipe | undefined;
  protected readonly sock: dgram.Socket;
  /** Set once the socket is bound: sends wait until then. */
  protected ready = false;

  constructor(protected readonly owner: UdpOwner, protected readonly ep: UdpEndpoint, private readonly codec: UdpCodec) {
    // Datagrams do not keep the process alive, as connections do not (keep-alive.ts).
    this.sock = dgram.createSocket({ type: isIP(ep.host) === 6 ? "udp6" : "udp4", reuseAddr: true });
  }

  kick(): void {
    const pipe = this.pipe;
    if (!pipe || !this.ready) return;
    const encode = this.codec.encode;
    let msg;
    while ((msg = pipe.takeOut()) !== undefined) {
      const out = encode?.(msg);
      if (out) this.sock.send(out.datagram, out.to?.port ?? this.ep.port, out.to?.host ?? this.ep.host);
    }
  }

  resume(): void {}

  close(_linger: number): void {
    const pipe = this.pipe;
    this.pipe = undefined;
    this.sock.close();
    if (pipe) {
      pipe.driver = undefined;
      this.owner.closePipe(pipe);
    }
  }

  /** Opens the pipe and, for a bound socket, starts taking datagrams in. */
  protected attach(address: string, receive: boolean): void {
    this.pipe = this.owner.openPipe(address);
    this.pipe.driver = this;
    this.sock.on("error", () => {
      /* a send or receive error on a datagram socket loses that datagram only */
    });
    // A connected socket takes nothing in, as libzmq's does not: what reaches its port is dropped.
    if (receive) this.sock.on("message", (datagram, from) => this.incoming(datagram, from));
  }

  private incoming(datagram: Buffer, from: dgram.RemoteInfo): void {
    const pipe = this.pipe;
    if (!pipe || pipe.receiveFull) return;
    const msg = this.codec.decode(datagram, { host: from.address, port: from.port });
    if (msg) pipe.deliver(msg);
  }
}

/** A udp:// connect (a RADIO's): every message of its pipe goes out as one datagram. */
export class UdpSender extends UdpDriver {
  constructor(owner: UdpOwner, ep: UdpEndpoint, readonly address: string, codec: UdpCodec) {
    super(owner, ep, codec);
    this.attach(address, false);
    const bound = (): void => {
      this.sock.unref();
      if (isMulticast(ep.host)) {
        this.sock.setMulticastTTL(Math.max(0, Math.min(255, owner.multicastHops)));
        this.sock.setMulticastLoopback(true);
        if (ep.iface !== undefined) this.sock.setMulticastInterface(interfaceAddress(ep.iface, ep.host));
      }
      this.ready = true;
      this.kick();
    };
    // A unicast source given before `;` is the local address to send from.
    const from = ep.iface !== undefined && !isMulticast(ep.host) ? interfaceAddress(ep.iface, ep.host) : undefined;
    this.sock.bind({ port: 0, address: from }, bound);
  }
}

/** A udp:// bind (a DISH's or a DGRAM's): each datagram comes in through the codec. */
export class UdpReceiver extends UdpDriver {
  constructor(owner: UdpOwner, ep: UdpEndpoint, public address: string, codec: UdpCodec) {
    super(owner, ep, codec);
  }

  /** Binds; then {@link address} has the real port when port 0 was asked. */
  async listen(): Promise<void> {
    const ep = this.ep;
    const multicast = isMulticast(ep.host);
    await new Promise<void>((resolve, reject) => {
      this.sock.once("error", reject);
      this.sock.bind({ port: ep.port, address: multicast ? undefined : ep.host }, () => {
        this.sock.off("error", reject);
        resolve();
      });
    });
    this.sock.unref();
    if (multicast) {
      try {
        this.sock.addMembership(ep.host, ep.iface === undefined ? undefined : interfaceAddress(ep.iface, ep.host));
      } catch (err) {
        this.sock.close();
        throw err;
      }
    }
    const port = this.sock.address().port;
    const host = ep.host.includes(":") ? `[${ep.host}]` : ep.host;
    this.address = `udp://${ep.iface === undefined ? "" : `${ep.iface};`}${host}:${port}`;
    this.ready = true;
    this.attach(this.address, true);
  }
}
