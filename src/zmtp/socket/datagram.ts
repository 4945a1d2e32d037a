/**
 * DGRAM (libzmq 4.3's draft ZMQ_DGRAM, zeromq.js's `Datagram`): plain UDP
 * datagrams, no ZMTP and no group. The socket binds a udp:// endpoint
 * (IPv4, unicast or a multicast group); each datagram that reaches it comes
 * in as `[address, body]`, the sender's `ip:port` as libzmq writes it
 * (wire/datagram.ts), and `[address, body]` sends the body as one datagram
 * to that address: the address of a received message answers its sender.
 *
 * As in libzmq: connect() fails ENOCOMPATPROTO (a datagram goes where its
 * message says, so there is nothing to connect to), as does any transport
 * but udp:// (libzmq accepts tcp, ipc and inproc for a DGRAM but delivers
 * nothing usable over them); an IPv6 endpoint fails ENODEV (libzmq's DGRAM
 * reads and writes IPv4 addresses only). The socket has one peer, its
 * first bound endpoint: a later bind succeeds, as in libzmq, but what it
 * receives is dropped. A message whose address does not read, or whose
 * body is over 8192 octets (libzmq's buffer), is dropped; a longer
 * datagram comes in cut to 8192 octets, as libzmq's read cuts it. Messages
 * waiting to go out and received messages not yet read are each bounded by
 * the socket's high-water mark (a datagram past the receiving one is
 * dropped).
 */
import type { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Message, Pipe } from "../pipe.js";
import type { Endpoint } from "../transport/endpoint.js";
import { ADDRESSED_CODEC, type UdpCodec } from "../transport/udp.js";
import { Socket, type SocketOptions } from "./socket.js";

/** A DGRAM socket (draft): UDP datagrams as `[address, body]`. */
export class Datagram extends Socket<[Buffer, Buffer]> {
  readonly socketType = "DGRAM";
  private pipe: Pipe | undefined;
  /**
   * The address part of a message whose body has not been sent yet: libzmq
   * reads the parts one by one and keeps this state across sends, so a
   * send of three parts fails EINVAL at the second and leaves the first
   * waiting for a lone body.
   */
  private address: Buffer | undefined;

  constructor(options?: SocketOptions) {
    super(options);
    this.setOptions(options);
  }

  /** @internal A DGRAM binds IPv4 udp:// endpoints and connects nowhere. */
  protected override checkEndpoint(ep: Endpoint, address: string, bind: boolean): void {
    if (!bind || ep.transport !== "udp") throw new ZmqError("ENOCOMPATPROTO", undefined, address);
    if (ep.host.includes(":")) throw new ZmqError("ENODEV", "a Datagram speaks IPv4 only, as libzmq's", address);
  }

  protected override udpCodec(bind: boolean): UdpCodec | undefined {
    return bind ? ADDRESSED_CODEC : undefined;
  }

  protected xattach(pipe: Pipe): void {
    this.pipe ??= pipe;
  }

  protected xdetach(pipe: Pipe): void {
    if (this.pipe === pipe) this.pipe = undefined;
  }

  /** What reaches an endpoint bound after the first is dropped, as libzmq ends that pipe. */
  protected xreadablePipe(pipe: Pipe): void {
    if (pipe !== this.pipe) while (pipe.read() !== undefined);
  }

  /**
   * Each part but the last must come where an address is expected, the last
   * where a body is: otherwise EINVAL, at the part that breaks the rule.
   */
  protected xsend(msg: Message): boolean {
    if (!this.pipe?.writable) return false;
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) {
      const more = i < last;
      if (more === (this.address !== undefined)) {
        throw new ZmqError("EINVAL", "a Datagram message is two parts: address and body");
      }
      if (more) {
        this.address = msg[i]!;
        continue;
      }
      this.pipe.write([this.address!, msg[i]!]);
      this.address = undefined;
    }
    return true;
  }

  protected xrecv(): [Buffer, Buffer] | undefined {
    return this.pipe?.read() as [Buffer, Buffer] | undefined;
  }

  protected xreadable(): boolean {
    return (this.pipe?.inLength ?? 0) > 0;
  }

  protected xwritable(): boolean {
    return this.pipe?.writable ?? false;
  }
}
