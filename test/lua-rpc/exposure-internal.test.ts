/**
 * An object of Node's internals (a FileHandle of fs/promises: JavaScript
 * classes over a native class Node keeps to itself) offers no method to a
 * remote caller, while the application's classes over public built-ins
 * keep theirs.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { remoteMethod, remoteMethodNames } from "../../src/exposure.js";
import { LuaRpcNoSuchProcedureError, newClient, newMultiServer } from "../../src/lua-rpc/index.js";

class Registry extends Map<string, number> {
  total(): number {
    return [...this.values()].reduce((a, b) => a + b, 0);
  }
}
class Bytes extends Uint8Array {
  sum(): number {
    return this.reduce((a, b) => a + b, 0);
  }
}
class Service extends EventEmitter {
  hello(): string {
    return "hello";
  }
}

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

test("classes of the application over public built-ins keep their own methods", () => {
  assert.deepEqual(remoteMethodNames(new Registry([["a", 1]])), ["total"]);
  assert.deepEqual(remoteMethodNames(new Bytes(2)), ["sum"]);
  assert.deepEqual(remoteMethodNames(new Service()), ["hello"]);
  assert.deepEqual(remoteMethodNames(new Intl.Collator()), []);
});
