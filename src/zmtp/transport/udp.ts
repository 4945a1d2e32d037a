/**
 * udp:// for RADIO and DISH, in libzmq's wire format (wire/group.ts): one
 * datagram per message, no connection, no handshake. A RADIO's connect()
 * makes a {@link UdpSender} whose pipe gets every message (no JOIN reaches
 * a radio over UDP: the dish filters); a DISH's bind() makes a
 * {@link UdpReceiver} whose pipe hands each datagram in as `[group, body]`.
 *
 * Multicast: a dish bound to a group address (224.0.0.0/4 or ff00::/8)
 * listens on the port of every interface and joins the group on the
 * interface named before a `;` (an address or a name, as libzmq takes it),
 * or the system's choice; a radio sends to the group with the socket's
 * `multicastHops` as TTL, looping back to the host's own members as
 * libzmq's default ZMQ_MULTICAST_LOOP does.
 *
 * Bounds: a datagram is at most {@link UDP_MESSAGE_MAX} octets, libzmq's
 * buffer: a larger message is not sent, a larger datagram is dropped, as
 * is one whose group size runs past its end. A receiving pipe at its
 * high-water mark drops datagrams until the application reads (UDP cannot
 * push back).
 */
import * as dgram from "node:dgram";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { ReportedEvent } from "../events.js";
import type { Pipe, PipeDriver, PipeOwner } from "../pipe.js";
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

function socketFor(host: string): dgram.Socket {
  // Datagrams do not keep the process alive, as connections do not (keep-alive.ts).
  return dgram.createSocket({ type: isIP(host) === 6 ? "udp6" : "udp4", reuseAddr: true });
}

/** A RADIO's udp:// connect: every message of its pipe goes out as one datagram. */
export class UdpSender implements PipeDriver {
  readonly pipe: Pipe;
  private readonly sock: dgram.Socket;
  private ready = false;

  constructor(private readonly owner: UdpOwner, private readonly ep: UdpEndpoint, readonly address: string) {
    this.sock = socketFor(ep.host);
    this.sock.on("error", () => {
      /* a send error on a datagram socket loses that datagram only */
    });
    this.pipe = owner.openPipe(address);
    this.pipe.driver = this;
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

  kick(): void {
    if (!this.ready) return;
    let msg;
    while ((msg = this.pipe.takeOut()) !== undefined) {
      if (msg.length !== 2 || 1 + msg[0]!.length + msg[1]!.length > UDP_MESSAGE_MAX) continue;
      this.sock.send(encodeGroupDatagram(msg[0]!, msg[1]!), this.ep.port, this.ep.host);
    }
  }

  resume(): void {}

  close(_linger: number): void {
    this.pipe.driver = undefined;
    this.sock.close();
    this.owner.closePipe(this.pipe);
  }
}

/** A DISH's udp:// bind: each datagram comes in as `[group, body]`. */
export class UdpReceiver implements PipeDriver {
  address: string;
  private pipe: Pipe | undefined;
  private readonly sock: dgram.Socket;

  constructor(private readonly owner: UdpOwner, private readonly ep: UdpEndpoint, address: string) {
    this.address = address;
    this.sock = socketFor(ep.host);
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
    this.pipe = this.owner.openPipe(this.address);
    this.pipe.driver = this;
    this.sock.on("message", (datagram) => this.incoming(datagram));
    this.sock.on("error", () => {
      /* a receive error on a datagram socket loses that datagram only */
    });
  }

  /** A dish sends nothing over UDP: its JOINs have no one to go to. */
  kick(): void {
    while (this.pipe?.takeOut() !== undefined);
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

  private incoming(datagram: Buffer): void {
    const pipe = this.pipe;
    if (!pipe || pipe.receiveFull || datagram.length > UDP_MESSAGE_MAX) return;
    const msg = decodeGroupDatagram(datagram);
    if (msg) pipe.deliver([msg.group, msg.body]);
  }
}
