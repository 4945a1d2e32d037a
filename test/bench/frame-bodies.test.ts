/**
 * The bench's per-message floor (bench/lib/frame-bodies.ts): however the
 * byte stream is cut into reads, and whether the reader waits for them or
 * finds them queued, every frame's body comes out whole, in order, once.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { FrameBodies } from "../../bench/lib/frame-bodies.js";

test("frame bodies come out whole and in order however the stream is cut", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 30 }),
      fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      async (header, size, count, cuts, readerFirst) => {
        const frame = header + size;
        const bodies = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i + 1));
        const stream = Buffer.concat(bodies.map((b, i) => Buffer.concat([Buffer.alloc(header, 0xf0 + (i % 8)), b])));
        const source = new FrameBodies(frame, header);
        const got: Buffer[] = [];
        const reading = (async () => {
          for await (const body of source) got.push(Buffer.from(body));
        })();
        if (!readerFirst) await Promise.resolve();
        // Feed the stream in reads of the generated lengths, turning between them.
        for (let pos = 0, k = 0; pos < stream.length; k++) {
          const n = cuts[k % cuts.length]!;
          source.push(stream.subarray(pos, pos + n));
          pos += n;
          if (k % 2 === 0) await new Promise((r) => setImmediate(r));
        }
        source.end();
        await reading;
        assert.equal(got.length, count);
        got.forEach((b, i) => assert.ok(b.equals(bodies[i]!), `body ${i} changed`));
      },
    ),
    { numRuns: 300 },
  );
});
