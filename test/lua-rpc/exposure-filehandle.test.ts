/**
 * An object of Node's internals (a FileHandle of fs/promises: JavaScript
 * classes over a native class Node keeps to itself) offers no method to a
 * remote caller. Node only: Bun's and Deno's FileHandles are plain
 * JavaScript classes, which the rule cannot tell from the application's.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { remoteMethod, remoteMethodNames } from "../../src/exposure.js";
import { LuaRpcNoSuchProcedureError, newClient, newMultiServer } from "../../src/lua-rpc/index.js";

test("a FileHandle exposes none of its methods", async (t) => {
  const fh = await open(fileURLToPath(import.meta.url));
  t.after(() => fh.close());
  assert.deepEqual(remoteMethodNames(fh), []);
  for (const name of ["write", "truncate", "stat", "readFile", "emit", "chmod"]) assert.equal(remoteMethod(fh, name), undefined, name);

  const server = await newMultiServer("127.0.0.1", 0, () => {}, { expose: { fh } });
  const client = await newClient("127.0.0.1", server.port);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  for (const name of ["fh.stat", "fh.write", "fh.truncate"]) await assert.rejects(client.call(name), LuaRpcNoSuchProcedureError, name);
  await assert.rejects(client.call("__rpcinvoke", "fh", "stat"), /attempt to call method 'stat' \(a nil value\)/);
});
