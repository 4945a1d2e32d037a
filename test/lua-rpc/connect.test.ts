/**
 * The Lua RPC client's `connect` option: a call over web streams from a
 * function shaped like `connect()` of `cloudflare:sockets` (over node:net
 * here) to a Lua RPC server, calls both ways on that connection, and the
 * failures: a `connect` that throws, an `opened` that rejects, and an
 * option that is not a function.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LuaRpcConnectError, newClient, newMultiServer, type LuaRpcPeer } from "../../src/lua-rpc/index.js";
import { webStreamConnect } from "../support/web-stream-connect.js";

test("newClient with `connect` dials through it and calls both ways over the web streams", async (t) => {
  let served: LuaRpcPeer | undefined;
  const server = await newMultiServer("127.0.0.1", 0, (peer) => {
    served = peer;
  }, { expose: { add: (a: number, b: number) => a + b } });
  t.after(() => server.close());
  const dial = webStreamConnect();
  const client = await newClient("127.0.0.1", server.port, { connect: dial.connect, expose: { whoami: () => "the client" } });
  t.after(() => client.destroy());
  assert.deepEqual(dial.calls, [{ hostname: "127.0.0.1", port: server.port }]);
  assert.deepEqual(await client.call("add", 2, 40), [42]);
  // The server calls back on the same connection.
  assert.deepEqual(await served!.call("whoami"), ["the client"]);
  assert.ok(dial.written > 0, "the client's octets went through the writable");
  client.close();
});

test("a `connect` that throws, or whose `opened` rejects, rejects with LuaRpcConnectError", async () => {
  await assert.rejects(newClient("127.0.0.1", 1, { connect: () => { throw new Error("no route"); } }), (err: Error) => err instanceof LuaRpcConnectError && /no route/.test(err.message));
  const dial = webStreamConnect((s) => ({ ...s, opened: Promise.reject(new Error("refused by the host")) }));
  await assert.rejects(newClient("127.0.0.1", 9, { connect: dial.connect }), (err: Error) => err instanceof LuaRpcConnectError && /refused by the host/.test(err.message));
  assert.throws(() => newClient("127.0.0.1", 9, { connect: "tcp" as never }), TypeError);
});
