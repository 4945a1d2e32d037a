/**
 * Encoders give their chunk back when their writer says the batches were
 * consumed, and any encoder of the thread may take it next: what one
 * encoder has appended and not yet handed over must never be overwritten
 * by another, whatever the interleaving.
 */
import assert from "node:assert/strict";
import test from "node:test";
import fc from "fast-check";
import { Buffer } from "node:buffer";
import { FrameDecoder, FrameEncoder } from "../../../src/zmtp/wire/index.js";

/** Decodes a byte stream back into its frame bodies. */
function bodies(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  new FrameDecoder({ onFrame: (body) => void out.push(Buffer.from(body)) }).push(stream);
  return out;
}

test("interleaved encoders sharing chunks each emit exactly their own frames", () => {
  const op = fc.record({
    enc: fc.integer({ min: 0, max: 2 }),
    // "rewind" alone: the writer reports a batch consumed while frames
    // appended since wait to be taken (the engine's write callback).
    kind: fc.constantFrom("frame", "frame", "frame", "take", "take-rewind", "rewind"),
    size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 16_000, max: 70_000 })),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const encoders = [new FrameEncoder(), new FrameEncoder(), new FrameEncoder()];
      const sent: Buffer[][] = [[], [], []];
      const written: Buffer[][] = [[], [], []];
      let n = 0;
      const drain = (i: number, rewind: boolean): void => {
        // The writer consumes (copies) what it is handed, as a write that completes at once does.
        written[i]!.push(Buffer.concat(encoders[i]!.take()));
        if (rewind) encoders[i]!.rewind();
      };
      for (const { enc, kind, size } of ops) {
        if (kind === "frame") {
          const body = Buffer.alloc(size, ++n & 0xff);
          encoders[enc]!.frame(body, 0);
          sent[enc]!.push(body);
        } else if (kind === "rewind") {
          encoders[enc]!.rewind();
        } else {
          drain(enc, kind === "take-rewind");
        }
      }
      for (let i = 0; i < 3; i++) {
        drain(i, true);
        assert.deepEqual(bodies(Buffer.concat(written[i]!)), sent[i]);
      }
    }),
    { numRuns: 200 },
  );
});

test("an encoder that gave its chunk back holds none, and the next batch reuses it", () => {
  const a = new FrameEncoder();
  const b = new FrameEncoder();
  a.frame(Buffer.alloc(100, 1), 0);
  const [first] = a.take();
  a.rewind();
  b.frame(Buffer.alloc(100, 2), 0);
  const [second] = b.take();
  // Same memory: b wrote where a's consumed batch was.
  assert.equal(second!.buffer, first!.buffer);
  assert.equal(second!.byteOffset, first!.byteOffset);
});
