/**
 * The CURVE fuzz properties (fuzz/zmtp/curve.ts) at a test's budget: the
 * handshake under arbitrary chunking and mutation, every CURVE decoder on
 * arbitrary octets, and sealed frames changed, replayed and reordered.
 * `npm run fuzz -- --only curve` runs them for longer.
 */
import { test } from "node:test";
import fc from "fast-check";
import { curveTarget } from "../../../fuzz/zmtp/curve.js";

for (const { title, property } of curveTarget.properties) {
  test(title, () => {
    fc.assert(property, { numRuns: 60 });
  });
}
