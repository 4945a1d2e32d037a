/**
 * `__rpcbuildexec` keeps each exec until the connection closes: how many
 * one peer may build is bounded by `maxExecs`.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_MAX_EXECS, LuaRpcError, newClient, newMultiServer } from "../../src/lua-rpc/index.js";

test("the exec past maxExecs is refused with a status 1 error; the others still run", async (t) => {
  assert.equal(DEFAULT_MAX_EXECS, 1000);
  const server = await newMultiServer("127.0.0.1", 0, () => {}, {
    // An asynchronous evaluator: execs being built count too.
    evaluator: async (script) => {
      await Promise.resolve();
      return () => String(script);
    },
    maxExecs: 3,
  });
  const client = await newClient("127.0.0.1", server.port);
  const other = await newClient("127.0.0.1", server.port);
  t.after(async () => {
    await client.close();
    await other.close();
    await server.close();
  });
  const built = await Promise.allSettled(["a", "b", "c", "d", "e"].map((s) => client.newexec(s)));
  assert.deepEqual(built.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled", "rejected", "rejected"]);
  const refusal = (built[3] as PromiseRejectedResult).reason as unknown;
  assert.ok(refusal instanceof LuaRpcError && /maxExecs 3/.test(refusal.message), String(refusal));
  assert.deepEqual(await (built[2] as PromiseFulfilledResult<(...a: unknown[]) => Promise<unknown[]>>).value(), ["c"]);
  // The bound is per connection.
  assert.deepEqual(await (await other.newexec("x"))(), ["x"]);
});
