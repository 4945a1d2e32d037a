/**
 * ZMQ_TCP_ACCEPT_FILTER: the peer addresses a tcp:// (or ws://) listener
 * accepts, each `address[/bits]`, read as libzmq 4.3 reads them (numeric
 * only, as its resolver with DNS off: getaddrinfo with AI_NUMERICHOST).
 * So an IPv4 address may take inet_aton's shorter forms ("127.1",
 * "0x7f.0.0.1", "2130706433"), an IPv4-mapped IPv6 address is an IPv4 one
 * unless `ipv6` is set, and with `ipv6` set every address is IPv6 (IPv4 ones
 * mapped); the bit count is read as strtol reads it ("/8x" is 8). A peer
 * matches when its family is the filter's and its first `bits` bits are
 * the filter's; an empty list accepts everyone.
 */
import { networkInterfaces } from "node:os";
import { ZmqError } from "../errors.js";

/** One filter: an address family, the address's octets, how many leading bits must match. */
export interface AcceptFilter {
  readonly family: 4 | 6;
  readonly octets: Uint8Array;
  readonly bits: number;
}

/** Parses one filter; EINVAL when libzmq would refuse it. */
export function parseAcceptFilter(text: string, ipv6: boolean): AcceptFilter {
  const slash = text.lastIndexOf("/");
  const maskText = slash < 0 ? undefined : text.slice(slash + 1);
  if (maskText === "") throw new ZmqError("EINVAL");
  const address = resolveNumeric(slash < 0 ? text : text.slice(0, slash), ipv6);
  if (!address) throw new ZmqError("EINVAL");
  const full = address.family === 4 ? 32 : 128;
  let bits = full;
  if (maskText === "0") bits = 0;
  else if (maskText !== undefined) {
    bits = strtol(maskText);
    if (bits < 1 || bits > full) throw new ZmqError("EINVAL");
  }
  return { ...address, bits };
}

/**
 * Whether a peer at `address` (as node:net reports `remoteAddress` and
 * `remoteFamily`) passes `filters`.
 */
export function acceptedBy(filters: readonly AcceptFilter[], address: string | undefined, family: string | undefined): boolean {
  if (filters.length === 0) return true;
  if (address === undefined) return false;
  const peer = family === "IPv6" ? ipv6Octets(address.replace(/%.*$/, "")) : ipv4Octets(address, true);
  if (!peer) return false;
  const peerFamily = family === "IPv6" ? 6 : 4;
  return filters.some((f) => f.family === peerFamily && samePrefix(f.octets, peer, f.bits));
}

function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

/** The address part, in brackets or not, with a zone suffix or not (as libzmq takes them), to a family and octets. */
function resolveNumeric(text: string, ipv6: boolean): { family: 4 | 6; octets: Uint8Array } | undefined {
  let host = text.length >= 2 && text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const percent = host.lastIndexOf("%");
  if (percent >= 0) {
    if (!zoneExists(host.slice(percent + 1))) return undefined;
    host = host.slice(0, percent);
  }
  const v4 = ipv4Octets(host, false);
  const v6 = v4 ? undefined : ipv6Octets(host);
  if (ipv6) {
    if (v4) return { family: 6, octets: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]) };
    return v6 && { family: 6, octets: v6 };
  }
  if (v4) return { family: 4, octets: v4 };
  // getaddrinfo for IPv4 turns an IPv4-mapped IPv6 address into its IPv4 one.
  if (v6 && v6.subarray(0, 10).every((o) => o === 0) && v6[10] === 0xff && v6[11] === 0xff) return { family: 4, octets: v6.slice(12) };
  return undefined;
}

/** libzmq takes a zone by interface name (it must exist) or by a nonzero number (atoi). */
function zoneExists(zone: string): boolean {
  if (/^[A-Za-z]/.test(zone)) {
    try {
      return Object.hasOwn(networkInterfaces(), zone);
    } catch {
      return false; // no interfaces to ask (a portable build)
    }
  }
  return strtol(zone) !== 0;
}

/** C's strtol in base 10: leading white space, a sign, the digits up to the first other character; 0 without digits. */
function strtol(text: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * An IPv4 address as inet_aton reads it: 1 to 4 parts, each decimal, octal
 * (leading 0) or hex (0x), the last filling the octets left; `strict`
 * takes only the dotted-quad form node:net reports.
 */
function ipv4Octets(text: string, strict: boolean): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length > 4 || (strict && parts.length !== 4)) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = /^0[xX][0-9a-fA-F]+$/.test(part) ? parseInt(part.slice(2), 16)
      : /^0[0-7]*$/.test(part) ? parseInt(part, 8)
        : /^[1-9]\d*$/.test(part) ? Number(part)
          : undefined;
    if (value === undefined) return undefined;
    values.push(value);
  }
  const last = values.length - 1;
  if (values.slice(0, last).some((v) => v > 255) || values[last]! >= 2 ** (8 * (4 - last))) return undefined;
  const octets = new Uint8Array(4);
  values.slice(0, last).forEach((v, i) => (octets[i] = v));
  for (let i = 3, v = values[last]!; i >= last; i--, v = Math.floor(v / 256)) octets[i] = v % 256;
  return octets;
}

/** An IPv6 address as inet_pton reads it (groups, one `::`, a dotted IPv4 tail), or undefined. */
function ipv6Octets(text: string): Uint8Array | undefined {
  if (!text.includes(":")) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === "") return [];
    const out: number[] = [];
    const fields = half.split(":");
    for (const [i, field] of fields.entries()) {
      if (i === fields.length - 1 && field.includes(".")) {
        const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(field);
        const quad = m?.slice(1).map((d) => (d.length > 1 && d.startsWith("0") ? 256 : Number(d)));
        if (!quad || quad.some((v) => v > 255)) return undefined;
        out.push(quad[0]! * 256 + quad[1]!, quad[2]! * 256 + quad[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(field)) out.push(parseInt(field, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const octets = new Uint8Array(16);
  all.forEach((g, i) => {
    octets[2 * i] = g >> 8;
    octets[2 * i + 1] = g & 0xff;
  });
  return octets;
}
