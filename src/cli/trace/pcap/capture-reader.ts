/**
 * A sans-I/O reader of capture files: the classic pcap format
 * (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng), in
 * either byte order, fed chunks split anywhere. It hands out each packet's
 * captured octets with its link type; what the packets hold is for
 * `packet.ts` to read.
 *
 * A capture is untrusted input like any other: every length in it is
 * checked before anything is held, so memory stays below one block of
 * {@link MAX_BLOCK} octets whatever a file claims (a snaplen of 4 GiB, a
 * block length of 0xFFFFFFFF). A length that cannot be right, or a file
 * that ends inside a record, is a {@link CaptureError}.
 */
import { Buffer } from "node:buffer";

/** The largest packet read: tcpdump's largest snaplen. */
export const MAX_PACKET = 262_144;
/** The largest pcapng block: a packet of {@link MAX_PACKET} octets with room for its options. */
export const MAX_BLOCK = MAX_PACKET + 65_536;
/** Interfaces one pcapng section may describe. */
export const MAX_INTERFACES = 256;

/** A malformed or truncated capture file. */
export class CaptureError extends Error {
  override readonly name = "CaptureError";
  readonly code = "EBADCAPTURE";
}

/** One captured packet. */
export interface CapturedPacket {
  /** The link-layer header type (LINKTYPE_* of the tcpdump.org registry). */
  linkType: number;
  /** The octets captured (at most the snaplen: maybe fewer than were sent). */
  data: Buffer;
  /** Octets the packet had on the wire. */
  originalLength: number;
}

const PCAP_HEADER = 24;
const PCAP_RECORD = 16;
const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

interface PcapngInterface {
  linkType: number;
  snaplen: number;
}

type Format =
  | { kind: "unknown" }
  | { kind: "pcap"; little: boolean; linkType: number; snaplen: number }
  | { kind: "pcapng"; little: boolean; interfaces: PcapngInterface[] };

/** Reads a capture file's packets. */
export class CaptureReader {
  private pending: Buffer = Buffer.alloc(0);
  private format: Format = { kind: "unknown" };
  /** Octets of the file consumed so far, for error messages. */
  private offset = 0;

  /** @param onPacket - receives each packet, in file order; its data is a view, to be copied if kept. */
  constructor(private readonly onPacket: (packet: CapturedPacket) => void) {}

  /** Reads the next octets of the file; throws {@link CaptureError}. */
  push(chunk: Buffer): void {
    // `pending` never holds more than one record: every need is bounded first.
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const used = this.next(this.pending);
      if (used === 0) break;
      this.pending = this.pending.subarray(used);
      this.offset += used;
    }
    // Copied once it is a remainder, so a large chunk is not pinned by a few octets.
    if (this.pending.length > 0 && this.pending.length < chunk.length) this.pending = Buffer.from(this.pending);
  }

  /** Says the file ended; throws {@link CaptureError} when it ended inside a record. */
  end(): void {
    if (this.format.kind === "unknown") {
      throw new CaptureError(this.pending.length === 0 ? "the capture file is empty" : "the capture file ends inside its header");
    }
    if (this.pending.length > 0) {
      throw new CaptureError(`the capture file is truncated: it ends ${this.pending.length} octets into the record at offset ${this.offset}`);
    }
  }

  /** Consumes one header, record or block from `buf`; 0 when more octets are needed. */
  private next(buf: Buffer): number {
    switch (this.format.kind) {
      case "unknown":
        return this.header(buf);
      case "pcap":
        return this.pcapRecord(buf, this.format);
      case "pcapng":
        return this.pcapngBlock(buf, this.format);
    }
  }

  private header(buf: Buffer): number {
    if (buf.length < 4) return 0;
    const magicBE = buf.readUInt32BE(0);
    if (magicBE === PCAPNG_SHB) return this.pcapngBlock(buf, { kind: "pcapng", little: true, interfaces: [] });
    const little = magicBE === 0xd4c3b2a1 || magicBE === 0x4d3cb2a1;
    if (!little && magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) {
      throw new CaptureError(`not a pcap or pcapng file (it starts with 0x${magicBE.toString(16).padStart(8, "0")})`);
    }
    if (buf.length < PCAP_HEADER) return 0;
    const u32 = (at: number): number => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
    const major = little ? buf.readUInt16LE(4) : buf.readUInt16BE(4);
    if (major !== 2) throw new CaptureError(`pcap version ${major} is not read (only 2.x)`);
    // The link type's upper bits may carry FCS information: the type is the low 16.
    this.format = { kind: "pcap", little, snaplen: u32(16), linkType: u32(20) & 0xffff };
    return PCAP_HEADER;
  }

  private pcapRecord(buf: Buffer, f: Extract<Format, { kind: "pcap" }>): number {
    if (buf.length < PCAP_RECORD) return 0;
    const caplen = f.little ? buf.readUInt32LE(8) : buf.readUInt32BE(8);
    const origlen = f.little ? buf.readUInt32LE(12) : buf.readUInt32BE(12);
    // A snaplen of 0 or past MAX_PACKET says nothing useful: MAX_PACKET bounds the record.
    const limit = f.snaplen > 0 ? Math.min(f.snaplen, MAX_PACKET) : MAX_PACKET;
    if (caplen > limit) {
      throw new CaptureError(`bogus length at offset ${this.offset}: a record of ${caplen} octets in a capture of at most ${limit} per packet`);
    }
    if (buf.length < PCAP_RECORD + caplen) return 0;
    this.onPacket({ linkType: f.linkType, data: buf.subarray(PCAP_RECORD, PCAP_RECORD + caplen), originalLength: Math.max(origlen, caplen) });
    return PCAP_RECORD + caplen;
  }

  private pcapngBlock(buf: Buffer, f: Extract<Format, { kind: "pcapng" }>): number {
    if (buf.length < 12) return 0;
    let little = f.little;
    const type = little ? buf.readUInt32LE(0) : buf.readUInt32BE(0);
    if (type === PCAPNG_SHB) {
      // A section sets its own byte order, read from its byte-order magic.
      const magicLE = buf.readUInt32LE(8);
      if (magicLE === BYTE_ORDER_MAGIC) little = true;
      else if (buf.readUInt32BE(8) === BYTE_ORDER_MAGIC) little = false;
      else throw new CaptureError(`bad pcapng byte-order magic at offset ${this.offset}`);
    }
    const length = little ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
    if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) {
      throw new CaptureError(`bogus length at offset ${this.offset}: a pcapng block of ${length} octets (a multiple of 4, from 12 to ${MAX_BLOCK})`);
    }
    if (buf.length < length) return 0;
    const trailer = little ? buf.readUInt32LE(length - 4) : buf.readUInt32BE(length - 4);
    if (trailer !== length) throw new CaptureError(`bogus length at offset ${this.offset}: a pcapng block says ${length} octets at its head and ${trailer} at its end`);
    const body = buf.subarray(8, length - 4);
    const u32 = (at: number): number => (little ? body.readUInt32LE(at) : body.readUInt32BE(at));
    const short = (what: string): CaptureError => new CaptureError(`bogus length at offset ${this.offset}: ${what} block of ${length} octets is too short`);
    switch (type) {
      case PCAPNG_SHB:
        this.format = { kind: "pcapng", little, interfaces: [] };
        break;
      case 1: {
        // Interface Description Block.
        if (body.length < 8) throw short("an interface description");
        if (f.interfaces.length >= MAX_INTERFACES) throw new CaptureError(`more than ${MAX_INTERFACES} interfaces in one pcapng section`);
        f.interfaces.push({ linkType: little ? body.readUInt16LE(0) : body.readUInt16BE(0), snaplen: u32(4) });
        break;
      }
      case 6: {
        // Enhanced Packet Block.
        if (body.length < 20) throw short("an enhanced packet");
        this.packetIn(f, u32(0), body.subarray(20), u32(12), u32(16));
        break;
      }
      case 3: {
        // Simple Packet Block: interface 0, captured up to its snaplen.
        if (body.length < 4) throw short("a simple packet");
        const iface = this.interfaceOf(f, 0);
        const origlen = u32(0);
        const caplen = Math.min(origlen, iface.snaplen > 0 ? iface.snaplen : MAX_PACKET, body.length - 4);
        this.packetIn(f, 0, body.subarray(4), caplen, origlen);
        break;
      }
      case 2: {
        // Packet Block (obsolete): a 16-bit interface id.
        if (body.length < 20) throw short("a packet");
        this.packetIn(f, little ? body.readUInt16LE(0) : body.readUInt16BE(0), body.subarray(20), u32(12), u32(16));
        break;
      }
      default:
        // Name resolution, statistics, custom blocks...: nothing to decode.
        break;
    }
    return length;
  }

  private interfaceOf(f: Extract<Format, { kind: "pcapng" }>, id: number): PcapngInterface {
    const iface = f.interfaces[id];
    if (!iface) throw new CaptureError(`a packet at offset ${this.offset} names interface ${id}, which no block described`);
    return iface;
  }

  private packetIn(f: Extract<Format, { kind: "pcapng" }>, id: number, data: Buffer, caplen: number, origlen: number): void {
    const iface = this.interfaceOf(f, id);
    if (caplen > data.length || caplen > MAX_PACKET) {
      throw new CaptureError(`bogus length at offset ${this.offset}: a packet of ${caplen} octets in a block that holds ${data.length}`);
    }
    this.onPacket({ linkType: iface.linkType, data: data.subarray(0, caplen), originalLength: Math.max(origlen, caplen) });
  }
}
