/**
 * The helpers that put an envelope in front of a message's parts (REQ's
 * delimiter, REP's saved envelope, the RPC layer's request ids): the same
 * parts as the spread and concat they replace, in a new array each time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { joinParts, withHead } from "../../../src/zmtp/message.js";

const part = fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes));
const parts = fc.array(part, { maxLength: 6 });

test("withHead(head, parts) is [head, ...parts], a new array that leaves parts alone", () => {
  fc.assert(
    fc.property(part, parts, (head, body) => {
      const before = body.slice();
      const out = withHead(head, body);
      assert.equal(out.length, body.length + 1);
      assert.equal(out[0], head);
      for (let i = 0; i < body.length; i++) assert.equal(out[i + 1], body[i]);
      assert.notEqual(out, body);
      assert.deepEqual(body, before);
    }),
  );
});

test("joinParts(a, b) is a.concat(b), a new array that leaves both alone", () => {
  fc.assert(
    fc.property(parts, parts, (a, b) => {
      const out = joinParts(a, b);
      const expected = a.concat(b);
      assert.equal(out.length, expected.length);
      for (let i = 0; i < expected.length; i++) assert.equal(out[i], expected[i]);
      assert.notEqual(out, a);
      assert.notEqual(out, b);
      out.push(Buffer.alloc(1));
      assert.equal(a.length + b.length + 1, out.length);
    }),
  );
});
