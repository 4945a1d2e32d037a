/**
 * Lua RPC bounds at their edges: the octets of incoming calls served at
 * once (`maxServingBytes`), and the close of a connection whose 256
 * sequence numbers are all held by timed-out calls.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import * as net from "node:net";
import { test } from "node:test";
import { LuaRpcClosedError, LuaRpcStalledError, newClient, newMultiServer } from "../../src/lua-rpc/index.js";

test("maxServingBytes: calls wait, unread, until the octets being served allow them; one is always served", async (t) => {
  let serving = 0;
  let max = 0;
  const releases: Array<() => void> = [];
  const server = await newMultiServer("127.0.0.1", 0, () => {}, {
    maxServingBytes: 2500,
    expose: {
      hold: () => {
        serving++;
        max = Math.max(max, serving);
        return new Promise<void>((resolve) => releases.push(() => (serving--, resolve())));
      },
    },
  });
  const client = await newClient("127.0.0.1", server.port, { timeout: 10_000 });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  const big = client.call("hold", "x".repeat(5000)); // alone it passes the bound: served anyway
  while (releases.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const calls = Array.from({ length: 6 }, () => client.call("hold", "y".repeat(1000)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(serving, 1, "nothing else while the big call holds more than the bound");
  releases.shift()!();
  await big;
  for (let done = 0; done < 6; ) {
    while (releases.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(serving <= 2, `at most two 1 KB calls in 2500 octets, saw ${serving}`);
    while (releases.length > 0) (releases.shift()!(), done++);
  }
  await Promise.all(calls);
  assert.equal(max, 2);
});

test("all 256 sequence numbers held by timed-out calls: the connection closes with LuaRpcStalledError", async (t) => {
  const silent = net.createServer((s) => s.on("data", () => {}));
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
  const client = await newClient("127.0.0.1", (silent.address() as net.AddressInfo).port, { timeout: 20 });
  t.after(() => (client.destroy(), silent.close()));
  const errors: Error[] = [];
  client.on("error", (e) => errors.push(e));
  // Not events.once: it rejects on the 'error' event that comes first.
  const closed = new Promise<Error | undefined>((resolve) => client.once("close", resolve));
  const results = await Promise.allSettled(Array.from({ length: 255 }, (_, i) => client.call("never", i)));
  assert.ok(results.every((r) => r.status === "rejected"));
  assert.equal(client.closed, false, "255 held: one sequence number is still free");
  await assert.rejects(client.call("never"), /timed out/);
  const reason = await closed;
  assert.ok(reason instanceof LuaRpcStalledError && reason.code === "ERR_LUA_RPC_STALLED");
  assert.deepEqual(errors, [reason]);
  await assert.rejects(client.call("after"), (e: unknown) => e instanceof LuaRpcClosedError && e.cause === reason);
});
