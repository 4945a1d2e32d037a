/**
 * Helpers for the wire tests: splitting a byte stream into chunks, and
 * collecting what a FrameDecoder emits.
 */
import fc from "fast-check";
import { FrameDecoder, type FrameSink } from "../../../src/zmtp/wire/index.js";

/** A decoded frame as the tests compare it. */
export interface DecodedFrame {
  flags: number;
  body: Buffer;
}

/** Splits `data` at the given cut points (any numbers; taken modulo the length, sorted, deduplicated). */
export function splitAt(data: Buffer, cuts: readonly number[]): Buffer[] {
  if (data.length === 0) return [data];
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  out.push(data.subarray(prev));
  // Fresh copies: a decoder must not rely on chunks being views of one buffer.
  return out.map((c) => Buffer.from(c));
}

/** Every chunk one octet long. */
export function bytewise(data: Buffer): Buffer[] {
  return [...data].map((b) => Buffer.from([b]));
}

/** Arbitrary cut points for {@link splitAt}. */
export const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

/** Feeds chunks to a new FrameDecoder and returns the frames it emitted. */
export function decodeAll(chunks: readonly Buffer[], maxFrameSize = -1): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  const sink: FrameSink = { onFrame: (body, flags) => frames.push({ flags, body: Buffer.from(body) }) };
  const dec = new FrameDecoder(sink, maxFrameSize);
  for (const c of chunks) dec.push(c);
  return frames;
}

/** Hex of a buffer, for readable assertions. */
export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
