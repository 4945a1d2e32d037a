/**
 * Property: any msgpack-representable arguments (nested arrays and maps,
 * binary, 64-bit and negative integers, floats, unicode, nil) reach the
 * handler intact and come back intact, through a real server and client.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { RpcClient, RpcServer } from "../../src/rpc/index.js";
import { msgpackValue } from "./codec/arbitraries.js";

test("random arguments round-trip through call and reply", async (t) => {
  const server = new RpcServer();
  let received: unknown[] = [];
  server.register("args", (...args: unknown[]) => {
    received = args;
    return args;
  });
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (client.close(), server.close()));
  await fc.assert(
    fc.asyncProperty(fc.array(msgpackValue, { maxLength: 6 }), async (args) => {
      const result = await client.call("args", ...args);
      assert.deepEqual(received, args);
      assert.deepEqual(result, args);
    }),
    { numRuns: 300 },
  );
});

test("random batches return each entry's value, in order", async (t) => {
  const server = new RpcServer();
  server.register("id", (v: unknown) => v);
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (client.close(), server.close()));
  await fc.assert(
    fc.asyncProperty(fc.array(msgpackValue, { maxLength: 8 }), async (values) => {
      const batch = client.batch();
      for (const v of values) batch.add("id", v);
      assert.deepEqual(await batch.values(), values);
    }),
    { numRuns: 100 },
  );
});
