/**
 * What a remote Lua RPC peer reaches through `expose`, `eval` and
 * `__rpcinvoke`: the contents of plain objects, arrays (by index), Maps;
 * the own-class methods of instances; never built-in methods (an array's
 * `push`, an EventEmitter's `emit`), a function's properties, or an
 * instance's fields.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { LuaRpcError, LuaRpcNoSuchProcedureError, newClient, newMultiServer } from "../../src/lua-rpc/index.js";

class Emitter extends EventEmitter {
  token = "t0ken";
  ping(): string {
    return "pong";
  }
}

test("expose: no built-in method, no instance field, no function property", async (t) => {
  const list = ["a", "b"];
  const emitter = new Emitter();
  let emitted = 0;
  emitter.on("x", () => emitted++);
  const server = await newMultiServer("127.0.0.1", 0, () => {}, { expose: { list, emitter, math: { max: Math.max }, data: { v: 1 } } });
  const client = await newClient("127.0.0.1", server.port, { timeout: 5000 });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  assert.deepEqual(await client.call("emitter.ping"), ["pong"]);
  assert.deepEqual(await client.call("math.max", 1, 3), [3]);
  assert.equal(await client.eval("data.v"), 1);
  assert.equal(await client.eval("list.1"), "a");
  for (const name of ["list.push", "list.splice", "list.pop", "emitter.emit", "emitter.removeAllListeners", "emitter.on", "math.max.call", "data.hasOwnProperty"]) {
    await assert.rejects(client.call(name, "x"), (e: unknown) => e instanceof LuaRpcNoSuchProcedureError, name);
  }
  for (const path of ["emitter.token", "emitter._events", "list.length", "math.max.name", "data.constructor", "data.__proto__"]) {
    assert.equal(await client.eval(path), null, path);
  }
  await assert.rejects(client.call("__rpcinvoke", "list", "push", "x"), (e: unknown) => e instanceof LuaRpcError && /attempt to call method 'push'/.test(e.message));
  await assert.rejects(client.call("__rpcinvoke", ["my", "own"], "push", "x"), /attempt to call method 'push'/, "a value the caller built is no target");
  assert.deepEqual(await client.call("__rpcinvoke", "emitter", "ping"), ["pong"]);
  assert.deepEqual(list, ["a", "b"]);
  assert.equal(emitted, 0);
});
