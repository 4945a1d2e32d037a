/**
 * ZMTP greeting: RFC 23 (ZMTP 3.0) section "Version Negotiation" and
 * "Security Mechanism", RFC 37 (ZMTP 3.1).
 *
 * ```
 * greeting  = signature version mechanism as-server filler   (64 octets)
 * signature = %xFF padding(8) %x7F
 * version   = %x03 minor
 * mechanism = 20 octets, ASCII, NUL padded
 * as-server = %x00 | %x01
 * filler    = 31 octets %x00
 * ```
 */
import { Buffer } from "node:buffer";
import { ZmtpProtocolError } from "./errors.js";

/** Size of a full greeting. */
export const GREETING_SIZE = 64;
/** Major version we speak. */
export const ZMTP_MAJOR = 3;
/** Minor version we announce (3.1). */
export const ZMTP_MINOR = 1;

/** Names of the security mechanisms (RFC 23 "Security Mechanism"). */
export type MechanismName = "NULL" | "PLAIN" | "CURVE";

/** What a peer's greeting says. */
export interface Greeting {
  major: number;
  minor: number;
  mechanism: string;
  asServer: boolean;
}

/** Encodes our greeting. Padding is written as libzmq writes it (uint64 BE 1). */
export function encodeGreeting(mechanism: MechanismName, asServer: boolean, minor = ZMTP_MINOR): Buffer {
  const buf = Buffer.alloc(GREETING_SIZE);
  buf[0] = 0xff;
  buf[8] = 0x01;
  buf[9] = 0x7f;
  buf[10] = ZMTP_MAJOR;
  buf[11] = minor;
  buf.write(mechanism, 12, 20, "latin1");
  buf[32] = asServer ? 1 : 0;
  return buf;
}

/**
 * Accumulates a peer's greeting from chunks split anywhere. Rejects a peer as
 * early as possible (a wrong signature octet or an old major version), and
 * never looks at the padding or the filler.
 */
export class GreetingReader {
  private readonly buf = Buffer.alloc(GREETING_SIZE);
  private filled = 0;

  /** Octets received so far. */
  get received(): number {
    return this.filled;
  }

  /**
   * Feeds a chunk. Returns `undefined` while the greeting is incomplete,
   * otherwise the greeting and whatever followed it in the chunk.
   */
  push(chunk: Buffer): { greeting: Greeting; rest: Buffer } | undefined {
    const take = Math.min(GREETING_SIZE - this.filled, chunk.length);
    chunk.copy(this.buf, this.filled, 0, take);
    const before = this.filled;
    this.filled += take;
    this.check(before);
    if (this.filled < GREETING_SIZE) return undefined;
    return { greeting: this.parse(), rest: chunk.subarray(take) };
  }

  private check(before: number): void {
    const b = this.buf;
    if (before < 1 && this.filled >= 1 && b[0] !== 0xff) {
      throw new ZmtpProtocolError("not a ZMTP 3 peer: greeting does not start with 0xFF");
    }
    if (before < 10 && this.filled >= 10 && (b[9]! & 0x01) !== 0x01) {
      throw new ZmtpProtocolError("not a ZMTP 3 peer: signature does not end with 0x7F");
    }
    if (before < 11 && this.filled >= 11 && b[10]! < ZMTP_MAJOR) {
      throw new ZmtpProtocolError(`peer speaks ZMTP major version ${b[10]}, 3 or later is required`);
    }
  }

  private parse(): Greeting {
    const b = this.buf;
    let end = 12;
    while (end < 32 && b[end] !== 0) end++;
    return {
      major: b[10]!,
      minor: b[11]!,
      mechanism: b.toString("latin1", 12, end),
      asServer: b[32] === 1,
    };
  }
}
