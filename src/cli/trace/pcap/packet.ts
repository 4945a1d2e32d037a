/**
 * From a captured packet to its TCP segment: the link layer (Ethernet with
 * up to two VLAN tags, BSD loopback, Linux cooked SLL and SLL2, raw IP),
 * IPv4 (RFC 791) or IPv6 (RFC 8200, past its usual extension headers),
 * then TCP (RFC 9293). Anything else (ARP, UDP, fragments) is not a
 * segment and is passed over. Every offset is checked against the
 * captured octets; the IP length, not the frame's, bounds the payload, so
 * Ethernet padding is never taken for data.
 */
import type { Buffer } from "node:buffer";

/** Link types read (LINKTYPE_* of the tcpdump.org registry). */
export const LINK_TYPES: Record<number, string> = {
  0: "BSD loopback", 1: "Ethernet", 12: "raw IP", 101: "raw IP", 108: "OpenBSD loopback", 113: "Linux cooked (SLL)", 276: "Linux cooked (SLL2)",
};

/** One TCP segment. */
export interface TcpSegment {
  /** Addresses as Node writes a socket's (`127.0.0.1`, `::1`). */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  payload: Buffer;
  /** Octets of payload the segment carried but the capture cut (snaplen). */
  missing: number;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8]);
/** IPv6 extension headers walked past (hop-by-hop, routing, destination options); at most this many. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const MAX_IPV6_EXTENSIONS = 8;
const PROTO_TCP = 6;

/** The TCP segment a packet carries, or undefined when it carries none. */
export function tcpSegmentOf(linkType: number, data: Buffer, originalLength: number): TcpSegment | undefined {
  const ip = ipStart(linkType, data);
  if (!ip) return undefined;
  // Octets the capture cut from the end of the packet.
  const cut = Math.max(0, originalLength - data.length);
  return ip.version === 4 ? ipv4(data, ip.at, cut) : ipv6(data, ip.at, cut);
}

/** Where the IP header starts, and its version, past the link header. */
function ipStart(linkType: number, d: Buffer): { at: number; version: 4 | 6 } | undefined {
  let at: number;
  let etherType: number | undefined;
  switch (linkType) {
    case 1: {
      if (d.length < 14) return undefined;
      at = 12;
      etherType = d.readUInt16BE(at);
      for (let tags = 0; VLAN_TAGS.has(etherType) && tags < 2 && d.length >= at + 6; tags++) {
        at += 4;
        etherType = d.readUInt16BE(at);
      }
      at += 2;
      break;
    }
    case 0:
    case 108: {
      // The address family, in the capturing host's byte order: AF_INET is 2
      // everywhere, AF_INET6 is 10, 24, 28 or 30 depending on the system.
      if (d.length < 4) return undefined;
      const family = d.readUInt32LE(0) < 256 ? d.readUInt32LE(0) : d.readUInt32BE(0);
      at = 4;
      etherType = family === 2 ? ETHERTYPE_IPV4 : [10, 24, 28, 30].includes(family) ? ETHERTYPE_IPV6 : undefined;
      break;
    }
    case 113:
      if (d.length < 16) return undefined;
      etherType = d.readUInt16BE(14);
      at = 16;
      break;
    case 276:
      if (d.length < 20) return undefined;
      etherType = d.readUInt16BE(0);
      at = 20;
      break;
    case 12:
    case 101:
      at = 0;
      break;
    default:
      return undefined;
  }
  if (at >= d.length) return undefined;
  const version = d[at]! >> 4;
  if (etherType !== undefined && etherType !== (version === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6)) return undefined;
  return version === 4 || version === 6 ? { at, version } : undefined;
}

function ipv4(d: Buffer, at: number, cut: number): TcpSegment | undefined {
  if (d.length < at + 20) return undefined;
  const headerLength = (d[at]! & 0x0f) * 4;
  const total = d.readUInt16BE(at + 2);
  const fragment = d.readUInt16BE(at + 6);
  // A fragment (more to come, or not the first) holds no whole segment: passed over.
  if ((fragment & 0x3fff) !== 0 || d[at + 9] !== PROTO_TCP || headerLength < 20 || total < headerLength) return undefined;
  const src = `${d[at + 12]}.${d[at + 13]}.${d[at + 14]}.${d[at + 15]}`;
  const dst = `${d[at + 16]}.${d[at + 17]}.${d[at + 18]}.${d[at + 19]}`;
  return tcp(d, at + headerLength, at + total, src, dst, cut);
}

function ipv6(d: Buffer, at: number, cut: number): TcpSegment | undefined {
  if (d.length < at + 40) return undefined;
  const end = at + 40 + d.readUInt16BE(at + 4);
  let next = d[at + 6]!;
  const src = ipv6Text(d.subarray(at + 8, at + 24));
  const dst = ipv6Text(d.subarray(at + 24, at + 40));
  let pos = at + 40;
  for (let i = 0; IPV6_EXTENSIONS.has(next) && i < MAX_IPV6_EXTENSIONS; i++) {
    if (d.length < pos + 2) return undefined;
    next = d[pos]!;
    pos += (d[pos + 1]! + 1) * 8;
  }
  return next === PROTO_TCP ? tcp(d, pos, end, src, dst, cut) : undefined;
}

function tcp(d: Buffer, at: number, ipEnd: number, src: string, dst: string, cut: number): TcpSegment | undefined {
  if (d.length < at + 20) return undefined;
  const headerLength = (d[at + 12]! >> 4) * 4;
  if (headerLength < 20 || at + headerLength > ipEnd) return undefined;
  const flags = d[at + 13]!;
  const end = Math.min(ipEnd, d.length);
  const payload = d.subarray(Math.min(at + headerLength, end), end);
  return {
    src, dst,
    srcPort: d.readUInt16BE(at),
    dstPort: d.readUInt16BE(at + 2),
    seq: d.readUInt32BE(at + 4),
    fin: (flags & 0x01) !== 0,
    syn: (flags & 0x02) !== 0,
    rst: (flags & 0x04) !== 0,
    ack: (flags & 0x10) !== 0,
    payload,
    // What the IP length promised past what was captured; a cut capture may also have lost the padding only.
    missing: Math.max(0, Math.min(cut, ipEnd - end)),
  };
}

/** An IPv6 address as Node writes it: RFC 5952 (`::1`), IPv4-mapped ones as `::ffff:127.0.0.1`. */
export function ipv6Text(a: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => a.readUInt16BE(i * 2));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
  // The longest run of two or more zero groups (the first of equals) becomes "::".
  let bestAt = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestAt = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(":");
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLength))}`;
}
