import assert from "node:assert/strict";
import test from "node:test";
import fc from "fast-check";
import { Queue } from "../../../src/zmtp/queue.js";

test("Queue behaves as an array FIFO across wrap-around and growth", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer(), fc.constant("shift" as const), fc.constant("clear" as const)), { maxLength: 400 }), (ops) => {
      const q = new Queue<number>();
      const model: number[] = [];
      for (const op of ops) {
        if (op === "shift") assert.equal(q.shift(), model.shift());
        else if (op === "clear") {
          q.clear();
          model.length = 0;
        } else {
          q.push(op);
          model.push(op);
        }
        assert.equal(q.length, model.length);
        assert.equal(q.peek(), model[0]);
      }
      assert.deepEqual([...q], model);
    }),
  );
});

test("Queue keeps order when it grows while wrapped", () => {
  const q = new Queue<number>();
  for (let i = 0; i < 10; i++) q.push(i);
  for (let i = 0; i < 8; i++) assert.equal(q.shift(), i);
  for (let i = 10; i < 60; i++) q.push(i); // wraps, then doubles twice
  const out: number[] = [];
  let v: number | undefined;
  while ((v = q.shift()) !== undefined) out.push(v);
  assert.deepEqual(out, Array.from({ length: 52 }, (_, i) => i + 8));
});
