/**
 * `purezmq trace --pcap FILE`: the tracer over a capture file instead of a
 * relay. The file is read in chunks through {@link CaptureReader}, each
 * packet's TCP segment ({@link tcpSegmentOf}) goes to the
 * {@link Reassembler}, which feeds every connection's two byte streams to
 * the same taps the relay uses: the events are the relay's, connection by
 * connection.
 */
import { createReadStream } from "node:fs";
import type { Buffer } from "node:buffer";
import type { TapFactory } from "../connection.js";
import type { TraceEvent } from "../events.js";
import { CaptureError, CaptureReader } from "./capture-reader.js";
import { LINK_TYPES, tcpSegmentOf } from "./packet.js";
import { MAX_FLOWS, Reassembler } from "./reassembly.js";

/** What was read besides the events. */
export interface CaptureSummary {
  packets: number;
  /** Link types of packets that were not read, with their counts. */
  unknownLinkTypes: Map<number, number>;
  /** Connections not followed because {@link MAX_FLOWS} were open at once. */
  skippedConnections: number;
}

/** Notes on what a capture held that was not decoded, one line each. */
export function summaryNotes(s: CaptureSummary): string[] {
  const notes = [...s.unknownLinkTypes].map(([type, n]) => `${n} packets of link type ${type} were not read (read: ${Object.entries(LINK_TYPES).map(([t, name]) => `${t} ${name}`).join(", ")})`);
  if (s.skippedConnections > 0) notes.push(`${s.skippedConnections} connections were not followed: more than ${MAX_FLOWS} were open at once`);
  return notes;
}

/** Decodes a capture held in memory (or read in `chunks`); throws {@link CaptureError}. */
export function traceCaptureChunks(chunks: Iterable<Buffer>, makeTap: TapFactory, report: (e: TraceEvent) => void): CaptureSummary {
  const p = new CapturePipeline(makeTap, report);
  try {
    for (const chunk of chunks) p.reader.push(chunk);
    p.reader.end();
  } finally {
    p.finish();
  }
  return p.summary;
}

/** Decodes the capture file at `path`; rejects with {@link CaptureError}, or the file's error. */
export async function traceCaptureFile(path: string, makeTap: TapFactory, report: (e: TraceEvent) => void): Promise<CaptureSummary> {
  const p = new CapturePipeline(makeTap, report);
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) p.reader.push(chunk as Buffer);
    p.reader.end();
  } finally {
    p.finish();
  }
  return p.summary;
}

/** Reader, packet parser and reassembler, joined. */
class CapturePipeline {
  readonly summary: CaptureSummary = { packets: 0, unknownLinkTypes: new Map(), skippedConnections: 0 };
  private readonly reassembler: Reassembler;
  readonly reader: CaptureReader;

  constructor(makeTap: TapFactory, report: (e: TraceEvent) => void) {
    this.reassembler = new Reassembler(makeTap, report);
    this.reader = new CaptureReader((packet) => {
      this.summary.packets++;
      if (!(packet.linkType in LINK_TYPES)) {
        this.summary.unknownLinkTypes.set(packet.linkType, (this.summary.unknownLinkTypes.get(packet.linkType) ?? 0) + 1);
        return;
      }
      const segment = tcpSegmentOf(packet.linkType, packet.data, packet.originalLength);
      if (segment) this.reassembler.add(segment);
    });
  }

  /** Closes what is still open: what was read is reported even from a truncated file. */
  finish(): void {
    this.reassembler.finish();
    this.summary.skippedConnections = this.reassembler.skipped;
  }
}

export { CaptureError };
