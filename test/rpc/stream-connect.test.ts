/**
 * RpcClient's `connect` option: calls to an RpcServer whose connection
 * runs over web streams (node:net under them), also after the client
 * recreates its socket. Against libzmq: test/interop/stream-connect.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RpcClient, RpcServer, RpcTimeoutError } from "../../src/rpc/index.js";
import { webStreamConnect } from "../support/web-stream-connect.js";

test("RpcClient with `connect` calls an RpcServer through the streams it returns", async (t) => {
  const server = new RpcServer().register("add", (a: number, b: number) => a + b);
  await server.bind("tcp://127.0.0.1:0");
  t.after(() => server.close());
  const dial = webStreamConnect();
  const client = new RpcClient(server.endpoint!, { connect: dial.connect });
  t.after(() => client.close());
  assert.equal(await client.call("add", 20, 22), 42);
  assert.equal(dial.calls.length, 1);
  assert.ok(dial.written > 0);
});

test("a recreated client socket dials through `connect` again", async (t) => {
  let hang = true;
  const server = new RpcServer().register("slow", () => (hang ? new Promise(() => {}) : "ok")).register("ok", () => "ok");
  await server.bind("tcp://127.0.0.1:0");
  t.after(() => server.close());
  const dial = webStreamConnect();
  const client = new RpcClient(server.endpoint!, { connect: dial.connect, timeout: 100, recreateAfterTimeouts: 1 });
  t.after(() => client.close());
  await assert.rejects(client.call("slow"), RpcTimeoutError);
  hang = false;
  assert.equal(await client.invoke("ok", [], { timeout: 5000 }), "ok");
  assert.ok(dial.calls.length >= 2, `connect called ${dial.calls.length} times`);
});
