/**
 * Fuzzing of `trace --pcap`: the capture reader, the packet parser and the
 * TCP reassembler under captures that are valid (pcap and pcapng, each
 * link type, IPv4 and IPv6), mutated (bit flips, truncation, splices, block
 * and record lengths forced to 0, 2^31, 0xffffffff...) and cut into
 * arbitrary chunks. Reading must end in events or a CaptureError, never
 * another exception, and the ZMTP taps behind it must survive whatever
 * the segments carry. Run through `npm run fuzz -- --only pcap`.
 */
import fc from "fast-check";
import { Buffer } from "node:buffer";
import type { FuzzTarget } from "../lib/target.js";
import { bytesArb, chunk, cutsArb, mutate, mutationsArb, type SizeField } from "../lib/bytes.js";
import { CaptureError } from "../../src/cli/trace/pcap/capture-reader.js";
import { traceCaptureChunks } from "../../src/cli/trace/pcap/capture-trace.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { FLAG_COMMAND, encodeFrame, encodeGreeting, encodeReady } from "../../src/zmtp/wire/index.js";
import { LINK, conversation, framesOf, pcapFile, pcapngFile, type Connection } from "../../test/cli/capture-bytes.js";

const CONNECTIONS: Connection[] = [
  { client: { ip: "127.0.0.1", port: 40001 }, server: { ip: "127.0.0.1", port: 5555 }, clientIsn: 1, serverIsn: 0xfffffff0 },
  { client: { ip: "::1", port: 40002 }, server: { ip: "fe80::1", port: 5555 }, clientIsn: 0xffffff00, serverIsn: 9 },
];

const GREETING_AND_READY = Buffer.concat([encodeGreeting("NULL", false), encodeFrame(encodeReady([["Socket-Type", "DEALER"]]), FLAG_COMMAND)]);

/** A valid capture: a conversation under one link type, in one format. */
const captureArb = fc
  .record({
    conn: fc.constantFrom(...CONNECTIONS),
    link: fc.constantFrom(...Object.values(LINK)),
    format: fc.constantFrom("pcap", "pcap-be", "pcapng", "pcapng-be", "pcapng-simple"),
    toServer: bytesArb(200).map((b) => Buffer.concat([GREETING_AND_READY, b])),
    toClient: bytesArb(200),
    mss: fc.integer({ min: 1, max: 120 }),
  })
  .map(({ conn, link, format, toServer, toClient, mss }) => {
    const frames = framesOf(conn, conversation(conn, toServer, toClient, mss), link);
    const be = format.endsWith("-be");
    return format.startsWith("pcapng")
      ? pcapngFile(link, frames, { bigEndian: be, simple: format === "pcapng-simple" })
      : pcapFile(link, frames, { bigEndian: be });
  });

/** The lengths of a capture a mutation aims at: the pcap header's snaplen, the first record's and block's lengths. */
const SIZE_FIELDS: SizeField[] = [{ at: 16, width: 4 }, { at: 4, width: 4 }, { at: 32, width: 4 }, { at: 36, width: 4 }, { at: 28, width: 4 }];

/** Reads a capture in chunks; only a CaptureError may escape. */
function read(file: Buffer, cuts: readonly number[]): TraceEvent[] {
  const events: TraceEvent[] = [];
  try {
    traceCaptureChunks(chunk(file, cuts), (conn, dir, report) => new ZmtpTap(conn, dir, report), (e) => events.push(e));
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
  }
  return events;
}

/** The capture target. */
export const pcapTarget: FuzzTarget = {
  name: "pcap",
  properties: ([
    ["valid captures read in any chunking give the same events", fc.property(captureArb, cutsArb, (file, cuts) => {
      const whole = JSON.stringify(read(file, []));
      if (JSON.stringify(read(file, cuts)) !== whole) throw new Error("chunking changed the events");
    })],
    ["mutated captures give events or a CaptureError", fc.property(captureArb, mutationsArb(4), cutsArb, (file, muts, cuts) => {
      read(mutate(file, muts, SIZE_FIELDS), cuts);
    })],
    ["a capture's header then arbitrary octets give events or a CaptureError", fc.property(captureArb, bytesArb(600), (file, tail) => {
      read(Buffer.concat([file.subarray(0, 24), tail]), []);
    })],
  ] as [string, fc.IRawProperty<any>][]).map(([title, property]) => ({ title, property })),
};
