/**
 * The address part of a DGRAM message (libzmq 4.3's ZMQ_DGRAM over udp://),
 * read and written as libzmq does, so that a message received from either
 * library can be answered through the other.
 *
 * A received datagram comes in as `[address, body]`, where the address is
 * the sender's IPv4 address in dotted form, a colon, its port in decimal
 * and a NUL octet (libzmq copies the C string with its terminator):
 * `127.0.0.1:5555\0`. A message sent is `[address, body]` too, the address
 * read the way libzmq reads it: up to the last colon, an IPv4 address as
 * `inet_addr()` takes it (up to a NUL or a space; one to four parts,
 * decimal, octal with a leading 0, hexadecimal with 0x); after it, a port
 * as `atoi()` reads it, taken modulo 2^16. A message whose address does not
 * read (no colon, not IPv4, `255.255.255.255`, which is inet_addr's error
 * value, or port 0) is dropped, as libzmq drops it.
 */
import { Buffer } from "node:buffer";

/** The address part libzmq gives a datagram from `host:port`. */
export function encodeDatagramAddress(host: string, port: number): Buffer {
  return Buffer.from(`${host}:${port}\0`, "latin1");
}

/** Where a DGRAM message goes, read from its address part; undefined when libzmq would drop it. */
export function decodeDatagramAddress(part: Uint8Array): { host: string; port: number } | undefined {
  const colon = part.lastIndexOf(0x3a);
  if (colon < 0) return undefined;
  const port = atoiPort(part, colon + 1);
  // inet_addr reads a C string: the host ends at the first NUL.
  const nul = part.indexOf(0);
  const host = inetAddr(part.subarray(0, nul >= 0 && nul < colon ? nul : colon));
  if (port === 0 || host === undefined) return undefined;
  return { host, port };
}

const isSpace = (c: number | undefined): boolean => c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** C's `(uint16_t) atoi(text)`, from `start` to a NUL or the end of `part`. */
function atoiPort(part: Uint8Array, start: number): number {
  let i = start;
  while (isSpace(part[i])) i++;
  const negative = part[i] === 0x2d;
  if (negative || part[i] === 0x2b) i++;
  let value = 0n;
  // glibc's atoi is strtol's: a value past the range of a long saturates.
  const limit = negative ? 1n << 63n : (1n << 63n) - 1n;
  for (; isDigit(part[i]); i++) {
    value = value * 10n + BigInt(part[i]! - 0x30);
    if (value > limit) {
      value = limit;
      break;
    }
  }
  // The long is narrowed to an int, then to a uint16_t: the low 16 bits of its two's complement.
  return Number(BigInt.asUintN(16, negative ? -value : value));
}

/**
 * glibc's `inet_addr()`: the dotted IPv4 address of `text`, or undefined
 * where it returns INADDR_NONE (an error, or 255.255.255.255 itself).
 */
function inetAddr(text: Uint8Array): string | undefined {
  const parts: number[] = [];
  let i = 0;
  for (;;) {
    if (!isDigit(text[i])) return undefined;
    let base = 10;
    let value = 0;
    if (text[i] === 0x30) {
      i++;
      if (text[i] === 0x78 || text[i] === 0x58) {
        base = 16;
        i++;
        if (hexDigit(text[i]) < 0) return undefined;
      } else base = 8;
    }
    for (;;) {
      const d = base === 16 ? hexDigit(text[i]) : isDigit(text[i]) ? text[i]! - 0x30 : -1;
      if (d < 0) break;
      if (d >= base) return undefined;
      value = value * base + d;
      if (value > 0xffffffff) return undefined;
      i++;
    }
    if (text[i] !== 0x2e) {
      parts.push(value);
      break;
    }
    if (parts.length === 3 || value > 0xff) return undefined;
    parts.push(value);
    i++;
  }
  // What follows the address may be a space and anything after it, nothing else.
  if (i < text.length && !isSpace(text[i])) return undefined;
  // The last part fills the octets the earlier ones left: a.b.c.d, a.b.c16, a.b24, a32.
  const last = parts.pop()!;
  if (last >= 2 ** (8 * (4 - parts.length))) return undefined;
  let n = last;
  parts.forEach((p, k) => (n += p * 2 ** (8 * (3 - k))));
  if (n === 0xffffffff) return undefined;
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
}

function hexDigit(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}
