/** What the tracer reports: one event per thing seen on the wire. */
import { Buffer } from "node:buffer";

/** Direction: from the connecting client to the server, or back. */
export type Direction = "c>s" | "s>c";

/** One frame, summarised. */
export interface FrameSummary {
  /** MORE, LONG, COMMAND as set in the flags octet. */
  flags: string[];
  size: number;
  /** First octets in hex. */
  hex: string;
  /** First octets as text, non-printable octets as dots. */
  text: string;
}

/** An event seen by the tracer. */
export type TraceEvent =
  | { type: "open"; conn: number; peer: string }
  | { type: "close"; conn: number; reason?: string }
  | { type: "greeting"; conn: number; dir: Direction; version: string; mechanism: string; asServer: boolean }
  | { type: "command"; conn: number; dir: Direction; name: string; detail: Record<string, unknown> }
  | {
    type: "message"; conn: number; dir: Direction;
    /** The first frames (at most `SHOWN_PARTS`). */
    frames: FrameSummary[];
    /** Frames past those listed: how many, and their octets. */
    omitted?: { parts: number; octets: number };
    decoded?: Record<string, unknown>;
    /** Set when the frames came out of CURVE MESSAGEs opened with a keylog (`--keylog`). */
    decrypted?: true;
  }
  | { type: "lua"; conn: number; dir: Direction; kind: "call" | "response"; seq: number; detail: Record<string, unknown> }
  | {
    type: "violation"; conn: number; dir: Direction; error: string;
    /** Set when decoding of this direction ends here (its octets are still relayed). */
    stopped?: true;
  };

/** Octets of a frame shown in its summary. */
export const PREVIEW = 24;

/**
 * Summarises a frame for display.
 * @param body - the frame's body, or at least its first {@link PREVIEW} octets.
 * @param size - the body's size on the wire.
 */
export function summarise(body: Buffer, flags: string[], size = body.length): FrameSummary {
  const head = body.subarray(0, PREVIEW);
  let text = "";
  for (const b of head) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
  return { flags, size, hex: head.toString("hex"), text };
}
