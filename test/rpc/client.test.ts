/**
 * RpcClient: timeouts and recovery, late replies, retries of idempotent
 * calls, socket recreation, fail-over across endpoints, batches (and their
 * fallback against a server without rpc.multicall), the REQ envelope mode,
 * the default size bound of replies.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Reply } from "../../src/index.js";
import * as lua from "../../src/rpc/luaovermq/codec.js";
import { DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_REPLY_BYTES, RpcClient, RpcClosedError, RpcError, RpcServer, RpcTimeoutError } from "../../src/rpc/index.js";
import { delay, startServer, within } from "./helpers.js";

test("a timeout, then the same client recovers; the late reply goes to no other call", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  await assert.rejects(client.invoke("sleep", [300], { timeout: 50 }), (err: unknown) => {
    assert.ok(err instanceof RpcTimeoutError);
    assert.equal(err.code, "ETIMEDOUT");
    assert.equal(err.method, "sleep");
    return true;
  });
  // The reply to the timed-out call arrives while these calls are in flight: each must get its own.
  const results = await Promise.all([client.call("echo", "a"), client.call("sleep", 400), client.call("echo", "b")]);
  assert.deepEqual(results, ["a", 400, "b"]);
  assert.equal(client.pending, 0);
});

test("a server that is down times the call out; after it is back calls succeed", async (t) => {
  const first = await startServer();
  const endpoint = first.endpoint!;
  first.close();
  const client = new RpcClient(endpoint, { timeout: 150 });
  let second: RpcServer | undefined;
  t.after(() => (client.close(), second?.close()));
  await assert.rejects(client.call("add", 1, 2), RpcTimeoutError);
  second = await startServer({}, endpoint);
  assert.equal(await client.invoke("add", [1, 2], { timeout: 3000 }), 3);
});

test("idempotent calls are retried after a timeout; others are not", async (t) => {
  const server = new RpcServer();
  let attempts = 0;
  server.register("flaky", async () => {
    attempts++;
    if (attempts === 1) await delay(500); // the first attempt is too slow
    return attempts;
  });
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { timeout: 100, retries: 2 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.invoke("flaky", [], { idempotent: true }), 2);
  attempts = 0;
  await assert.rejects(client.invoke("flaky", []), RpcTimeoutError);
  assert.equal(attempts, 1);
});

test("consecutive timeouts recreate the socket, which then works", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 60, recreateAfterTimeouts: 2 });
  t.after(() => (client.close(), server.close()));
  await assert.rejects(client.call("sleep", 300), RpcTimeoutError);
  assert.equal(client.recreations, 0);
  await assert.rejects(client.call("sleep", 300), RpcTimeoutError);
  assert.equal(client.recreations, 1);
  assert.equal(await client.invoke("add", [2, 3], { timeout: 3000 }), 5);
});

test("fail-over: when one of two servers dies, calls go to the other", async (t) => {
  const a = await startServer();
  const b = await startServer();
  a.register("who", () => "a");
  b.register("who", () => "b");
  const client = new RpcClient([a.endpoint!, b.endpoint!], { timeout: 300, retries: 3 });
  t.after(() => (client.close(), a.close(), b.close()));
  // Wait for both connections, then both servers get calls.
  const seen = new Set<unknown>();
  const deadline = Date.now() + 5000;
  while (seen.size < 2 && Date.now() < deadline) seen.add(await client.call("who"));
  assert.deepEqual([...seen].sort(), ["a", "b"]);
  a.close();
  for (let i = 0; i < 10; i++) assert.equal(await client.invoke("who", [], { idempotent: true }), "b");
});

test("a batch travels in one round trip and reports each entry, in order", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  const batch = client.batch();
  batch.add("add", 1, 2);
  batch.add("fail", "no");
  const p = batch.proxy<{ my: { namespace: { mult(a: number, b: number): number } } }>();
  assert.equal(p.my.namespace.mult(3, 3) as unknown, 2, "the proxy of a batch returns the entry index");
  batch.add("missing");
  const results = await batch.send();
  assert.equal(results.length, 4);
  assert.deepEqual(results[0], { ok: true, value: 3 });
  assert.equal(results[1]!.ok, false);
  if (!results[1]!.ok) {
    assert.ok(results[1]!.error instanceof RpcError);
    assert.equal((results[1]!.error as RpcError).remoteName, "RangeError");
    assert.equal((results[1]!.error as RpcError).method, "fail");
  }
  assert.deepEqual(results[2], { ok: true, value: 9 });
  assert.equal(!results[3]!.ok && (results[3]!.error as RpcError).remoteMessage, "function 'missing' not found");
  await assert.rejects(batch.send(), /already sent/);
  const second = client.batch();
  second.add("add", 1, 1);
  second.add("fail", "x");
  await assert.rejects(second.values(), (err: RpcError) => err.remoteMessage === "x");
  assert.deepEqual(await client.batch().send(), []);
});

test("a batch against a plain LuaOverMQ REP server falls back to single calls", async (t) => {
  const rep = new Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(rep.lastEndpoint!, { timeout: 2000 });
  t.after(() => (client.close(), rep.close()));
  const requests: string[] = [];
  void (async () => {
    for await (const [frame] of rep) {
      const { method, args } = lua.decodeRequest(frame!);
      requests.push(method);
      if (method === "add") await rep.send(lua.encodeReply((args[0] as number) + (args[1] as number)));
      else await rep.send(lua.encodeErrorReply(lua.functionNotFoundMessage(method)));
    }
  })();
  const batch = client.batch();
  batch.add("add", 1, 2);
  batch.add("add", 3, 4);
  assert.deepEqual(await within(batch.values(), 5000, "fallback batch"), [3, 7]);
  assert.deepEqual(requests, ["rpc.multicall", "add", "add"]);
});

test("the REQ envelope mode works against our server and recovers after a timeout", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 2000, envelope: "req" });
  t.after(() => (client.close(), server.close()));
  const [x, y] = await Promise.all([client.call("add", 1, 1), client.call("add", 2, 2)]);
  assert.deepEqual([x, y], [2, 4]);
  await assert.rejects(client.invoke("sleep", [300], { timeout: 50 }), RpcTimeoutError);
  assert.equal(client.recreations, 1);
  assert.equal(await client.call("echo", "after"), "after");
});

test("closing the client fails outstanding and later calls", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => server.close());
  const pending = client.call("sleep", 500);
  client.close();
  await assert.rejects(pending, RpcClosedError);
  await assert.rejects(client.call("add", 1, 2), RpcClosedError);
  assert.equal(client.closed, true);
});

test("the pending bound fails excess calls with EAGAIN", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 5000, maxPending: 2 });
  t.after(() => (client.close(), server.close()));
  const a = client.call("sleep", 50);
  const b = client.call("sleep", 50);
  await assert.rejects(client.call("add", 1, 1), (err: Error & { code?: string }) => err.code === "EAGAIN");
  assert.deepEqual(await Promise.all([a, b]), [50, 50]);
});

test("inproc endpoints work", async (t) => {
  const server = await startServer({}, `inproc://rpc-client-${process.pid}-${Date.now()}`);
  const client = new RpcClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.call("calc.add", 20, 22), 42);
});

test("replies are bounded by default (32 MiB; zerorpc events 16 MiB), in every socket the client makes; the socket option changes it", async (t) => {
  for (const [protocol, bound] of [["luaovermq", DEFAULT_MAX_REPLY_BYTES], ["manley", DEFAULT_MAX_REPLY_BYTES], ["zerorpc", DEFAULT_MAX_EVENT_BYTES]] as const) {
    const client = new RpcClient("tcp://127.0.0.1:1", { protocol, timeout: 50 });
    const lifted = new RpcClient("tcp://127.0.0.1:1", { protocol, socket: { maxMessageSize: -1 } });
    t.after(() => (client.close(), lifted.close()));
    assert.equal(client.socket.maxMessageSize, bound, protocol);
    assert.equal(lifted.socket.maxMessageSize, -1, protocol);
  }
  // A socket made after timeouts keeps the bound.
  const client = new RpcClient("tcp://127.0.0.1:1", { timeout: 20, recreateAfterTimeouts: 1 });
  t.after(() => client.close());
  await assert.rejects(client.call("x"), RpcTimeoutError);
  assert.ok(client.recreations >= 1);
  assert.equal(client.socket.maxMessageSize, DEFAULT_MAX_REPLY_BYTES);
});
