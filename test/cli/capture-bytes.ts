/**
 * Capture files built octet by octet, for the tests and the fuzzing of
 * `trace --pcap`: a TCP conversation (handshake, data cut into segments,
 * FINs) in IPv4 or IPv6, under each link type read, written as pcap (either
 * byte order, micro- or nanosecond magic) or pcapng (either byte order).
 */
import { Buffer } from "node:buffer";

/** One side of a connection. */
export interface Host {
  ip: string;
  port: number;
}

/** A TCP segment to write. */
export interface Segment {
  from: "c" | "s";
  seq: number;
  syn?: boolean;
  ack?: boolean;
  fin?: boolean;
  rst?: boolean;
  payload?: Buffer;
}

/** A connection: its two ends and the initial sequence numbers. */
export interface Connection {
  client: Host;
  server: Host;
  clientIsn: number;
  serverIsn: number;
}

/** The segments of a whole conversation: handshake, each direction's octets in `mss` pieces (alternating), FINs. */
export function conversation(c: Connection, toServer: Buffer, toClient: Buffer, mss = 100): Segment[] {
  const out: Segment[] = [
    { from: "c", seq: c.clientIsn, syn: true },
    { from: "s", seq: c.serverIsn, syn: true, ack: true },
    { from: "c", seq: (c.clientIsn + 1) >>> 0, ack: true },
  ];
  const pieces = (from: "c" | "s", data: Buffer, isn: number): Segment[] => {
    const segs: Segment[] = [];
    for (let at = 0; at < data.length; at += mss) segs.push({ from, seq: (isn + 1 + at) >>> 0, ack: true, payload: data.subarray(at, at + mss) });
    return segs;
  };
  const a = pieces("c", toServer, c.clientIsn);
  const b = pieces("s", toClient, c.serverIsn);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i]!);
    if (b[i]) out.push(b[i]!);
  }
  out.push({ from: "c", seq: (c.clientIsn + 1 + toServer.length) >>> 0, ack: true, fin: true });
  out.push({ from: "s", seq: (c.serverIsn + 1 + toClient.length) >>> 0, ack: true, fin: true });
  return out;
}

function ipv4Octets(ip: string): Buffer {
  return Buffer.from(ip.split(".").map(Number));
}

function ipv6Octets(ip: string): Buffer {
  const [head, tail] = ip.split("::") as [string, string | undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const buf = Buffer.alloc(16);
  groups.forEach((g, i) => buf.writeUInt16BE(g, i * 2));
  return buf;
}

/** The IP packet (v4 or v6, by the addresses) of a segment. */
export function ipPacket(c: Connection, s: Segment): Buffer {
  const [src, dst] = s.from === "c" ? [c.client, c.server] : [c.server, c.client];
  const payload = s.payload ?? Buffer.alloc(0);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(src.port, 0);
  tcp.writeUInt16BE(dst.port, 2);
  tcp.writeUInt32BE(s.seq, 4);
  tcp[12] = 5 << 4;
  tcp[13] = (s.fin ? 1 : 0) | (s.syn ? 2 : 0) | (s.rst ? 4 : 0) | (s.ack ? 0x10 : 0) | (payload.length ? 0x08 : 0);
  tcp.writeUInt16BE(65535, 14);
  const segment = Buffer.concat([tcp, payload]);
  if (src.ip.includes(":")) {
    const ip = Buffer.alloc(40);
    ip[0] = 0x60;
    ip.writeUInt16BE(segment.length, 4);
    ip[6] = 6;
    ip[7] = 64;
    ipv6Octets(src.ip).copy(ip, 8);
    ipv6Octets(dst.ip).copy(ip, 24);
    return Buffer.concat([ip, segment]);
  }
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + segment.length, 2);
  ip.writeUInt16BE(0x4000, 6);
  ip[8] = 64;
  ip[9] = 6;
  ipv4Octets(src.ip).copy(ip, 12);
  ipv4Octets(dst.ip).copy(ip, 16);
  return Buffer.concat([ip, segment]);
}

/** Link types written: Ethernet, BSD loopback, Linux cooked SLL and SLL2, raw IP. */
export const LINK = { ethernet: 1, loopback: 0, sll: 113, sll2: 276, raw: 101 } as const;

/** An IP packet under a link-layer header. Ethernet frames are padded to 60 octets, as on the wire. */
export function linkFrame(linkType: number, ip: Buffer): Buffer {
  const v6 = ip[0]! >> 4 === 6;
  const etherType = v6 ? 0x86dd : 0x0800;
  switch (linkType) {
    case LINK.ethernet: {
      const head = Buffer.alloc(14);
      head.writeUInt16BE(etherType, 12);
      const frame = Buffer.concat([head, ip]);
      return frame.length < 60 ? Buffer.concat([frame, Buffer.alloc(60 - frame.length)]) : frame;
    }
    case LINK.loopback: {
      const head = Buffer.alloc(4);
      head.writeUInt32LE(v6 ? 30 : 2, 0);
      return Buffer.concat([head, ip]);
    }
    case LINK.sll: {
      const head = Buffer.alloc(16);
      head.writeUInt16BE(772, 2);
      head.writeUInt16BE(etherType, 14);
      return Buffer.concat([head, ip]);
    }
    case LINK.sll2: {
      const head = Buffer.alloc(20);
      head.writeUInt16BE(etherType, 0);
      head.writeUInt16BE(772, 8);
      return Buffer.concat([head, ip]);
    }
    default:
      return ip;
  }
}

/** Options of a written capture. */
export interface FileOptions {
  bigEndian?: boolean;
  /** pcap only: the nanosecond magic. */
  nano?: boolean;
  /** pcap: the header's snaplen, frames cut to it; pcapng: the interface's. */
  snaplen?: number;
  /** pcapng: write packets as Simple Packet Blocks. */
  simple?: boolean;
}

function u32(v: number, be: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (be) b.writeUInt32BE(v >>> 0, 0);
  else b.writeUInt32LE(v >>> 0, 0);
  return b;
}

function u16(v: number, be: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (be) b.writeUInt16BE(v, 0);
  else b.writeUInt16LE(v, 0);
  return b;
}

/** A classic pcap file of `frames`. */
export function pcapFile(linkType: number, frames: Buffer[], o: FileOptions = {}): Buffer {
  const be = o.bigEndian ?? false;
  const parts = [u32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4, be), u16(2, be), u16(4, be), u32(0, be), u32(0, be), u32(o.snaplen ?? 262144, be), u32(linkType, be)];
  // Each frame cut at the snaplen, with its length on the wire, as tcpdump -s writes it.
  const cut = o.snaplen ?? Infinity;
  frames.forEach((f, i) => {
    const kept = f.subarray(0, cut);
    parts.push(u32(1_700_000_000, be), u32(i, be), u32(kept.length, be), u32(f.length, be), kept);
  });
  return Buffer.concat(parts);
}

/** One pcapng block: type, length, body padded to 4, length again. */
export function pcapngBlock(type: number, body: Buffer, be: boolean): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const length = 12 + padded.length;
  return Buffer.concat([u32(type, be), u32(length, be), padded, u32(length, be)]);
}

/** A pcapng file: a section header, one interface, `frames` as enhanced (or simple) packet blocks. */
export function pcapngFile(linkType: number, frames: Buffer[], o: FileOptions = {}): Buffer {
  const be = o.bigEndian ?? false;
  const shb = pcapngBlock(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d, be), u16(1, be), u16(0, be), Buffer.alloc(8, 0xff)]), be);
  const idb = pcapngBlock(1, Buffer.concat([u16(linkType, be), u16(0, be), u32(o.snaplen ?? 262144, be)]), be);
  const packets = frames.map((f, i) => o.simple
    ? pcapngBlock(3, Buffer.concat([u32(f.length, be), f]), be)
    : pcapngBlock(6, Buffer.concat([u32(0, be), u32(0, be), u32(i, be), u32(f.length, be), u32(f.length, be), f]), be));
  // A statistics block the reader passes over.
  const isb = pcapngBlock(5, Buffer.concat([u32(0, be), u32(0, be), u32(0, be)]), be);
  return Buffer.concat([shb, idb, ...packets, isb]);
}

/** The frames of `segments` of `c` under `linkType`. */
export function framesOf(c: Connection, segments: Segment[], linkType: number): Buffer[] {
  return segments.map((s) => linkFrame(linkType, ipPacket(c, s)));
}
