/**
 * What a remote caller reaches on a registered object: the methods of the
 * object's own class chain, never the built-in methods it inherits
 * (EventEmitter's `emit`, `removeAllListeners`...), never its fields.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { isBuiltinPrototype, remoteMethod, remoteMethodNames } from "../../src/exposure.js";
import { RpcClient, RpcError, RpcServer } from "../../src/rpc/index.js";

class Base extends EventEmitter {
  secret = "s3cret";
  hello(): string {
    return "hello";
  }
}

class Service extends Base {
  total = 0;
  add(n: number): number {
    this.total += n;
    return this.total;
  }
  get state(): number {
    return this.total;
  }
  _internal(): string {
    return "no";
  }
}

test("a class extending EventEmitter: own chain callable, EventEmitter's methods and fields not", async (t) => {
  const service = new Service();
  let emitted = 0;
  service.on("boom", () => emitted++);
  const server = new RpcServer();
  server.register("svc", service);
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (client.close(), server.close()));

  assert.equal(await client.call("svc.add", 2), 2);
  assert.equal(await client.call("svc.hello"), "hello", "a method of a parent class of the application");
  for (const name of ["emit", "removeAllListeners", "on", "listeners", "getMaxListeners", "setMaxListeners", "secret", "total", "state", "_internal", "constructor", "toString", "hasOwnProperty"]) {
    await assert.rejects(client.call(`svc.${name}`, "boom"), (e: unknown) => e instanceof RpcError && /not found/.test(e.message), name);
  }
  assert.equal(emitted, 0);
  assert.equal(service.listenerCount("boom"), 1);
  const names = (server.methods()).map((d) => d.name).filter((n) => n.startsWith("svc."));
  assert.deepEqual(names.sort(), ["svc.add", "svc.hello"]);
});

test("built-in prototypes are recognised: language, Node, and only those", () => {
  for (const proto of [Object.prototype, Array.prototype, Map.prototype, Promise.prototype, Error.prototype, EventEmitter.prototype, Function.prototype]) {
    assert.ok(isBuiltinPrototype(proto), String(proto.constructor?.name));
  }
  assert.ok(!isBuiltinPrototype(Service.prototype));
  assert.ok(!isBuiltinPrototype(Base.prototype));
  assert.deepEqual(remoteMethodNames(new Map()), []);
  assert.equal(remoteMethod([], "push"), undefined);
  assert.equal(remoteMethod(new Service(), "emit"), undefined);
  assert.equal(typeof remoteMethod(new Service(), "add"), "function");
  assert.equal(typeof remoteMethod({ f: () => 1 }, "f"), "function", "a plain object's own functions");
});

test("registering a built-in instance or a class without methods of its own is refused", () => {
  const server = new RpcServer();
  try {
    assert.throws(() => server.register("m", new Map()), /has no methods/);
    assert.throws(() => server.register("e", new EventEmitter()), /has no methods/);
    assert.throws(() => server.register("a", [1, 2]), /has no methods/);
  } finally {
    server.close();
  }
});
