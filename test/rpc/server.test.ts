/**
 * RpcServer in the LuaOverMQ protocol: the README example, registration
 * forms, introspection, what handlers return (values, promises, thenables,
 * throws), an ERROR reply for every kind of bad request, and concurrency
 * (slow handlers, many REQ clients, the work bound, the share of one
 * client), the default size bound of requests.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "@msgpack/msgpack";
import { Dealer, Request } from "../../src/index.js";
import * as lua from "../../src/rpc/luaovermq/codec.js";
import { BUSY_MESSAGE, DEFAULT_MAX_MESSAGE_BYTES, RpcClient, RpcServer, type MethodDescription, type RpcServerOptions } from "../../src/rpc/index.js";
import { WorkLimit } from "../../src/rpc/work-limit.js";
import { delay, rawCall, startServer, within } from "./helpers.js";

interface Api {
  add(a: number, b: number): number;
  my: { namespace: { mult(a: number, b: number): number } };
  calc: { add(a: number, b: number): number; mul(a: number, b: number): Promise<number> };
}

test("the README example works as written", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 1000 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.call("my.namespace.mult", 5, 7), 35);
  assert.equal(await client.call("add", 2, 3), 5);
  const api = client.proxy<Api>();
  assert.equal(await api.my.namespace.mult(5, 7), 35);
  assert.equal(await api.calc.add(1, 2), 3);
  assert.equal(await api.calc.mul(3, 4), 12);
});

test("registration: names are checked, objects give namespaces, unregister removes", async (t) => {
  const server = new RpcServer();
  t.after(() => server.close());
  assert.throws(() => server.register("rpc.mine", () => 1), TypeError);
  assert.throws(() => server.register("", () => 1), TypeError);
  assert.throws(() => server.register("a..b", () => 1), TypeError);
  assert.throws(() => server.register("x", 42 as unknown as object), TypeError);
  assert.throws(() => server.register("empty", {}), TypeError);
  server.register("tools", { math: { sq: (x: number) => x * x }, hello: () => "hi", _hidden: () => 0, value: 3 });
  const names = server.methods().map((m) => m.name);
  assert.ok(names.includes("tools.math.sq") && names.includes("tools.hello"));
  assert.ok(!names.some((n) => n.includes("_hidden") || n === "tools.value"));
  assert.equal(server.unregister("tools"), 2);
  assert.ok(!server.methods().some((m) => m.name.startsWith("tools.")));
});

test("introspection lists methods with arity and doc; ping answers", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  const methods = await client.methods();
  const add = methods.find((m: MethodDescription) => m.name === "add");
  assert.deepEqual(add, { name: "add", arity: 2, doc: "Adds two numbers." });
  assert.equal(methods.find((m) => m.name === "calc.mul")?.arity, 2);
  assert.ok(methods.some((m) => m.name === "rpc.multicall"));
  assert.equal(await client.call("rpc.ping"), "pong");
  assert.ok((await client.ping()) >= 0);
});

test("what a handler returns is answered as `await` would take it: values at once, promises and thenables when settled", async (t) => {
  const failures: string[] = [];
  const server = new RpcServer({ onHandlerError: (method) => failures.push(method) });
  let thenReads = 0;
  server.register("plain", (a: number) => a + 1);
  server.register("promised", async (a: number) => a * 2);
  server.register("thenable", () => ({ then: (resolve: (v: string) => void) => resolve("adopted") }));
  server.register("getter", () => ({
    get then() {
      thenReads++;
      return (resolve: (v: number) => void) => resolve(7);
    },
  }));
  server.register("notThenable", () => ({ then: 5 }));
  server.register("throws", () => {
    throw new RangeError("sync");
  });
  server.register("rejects", () => Promise.reject(new TypeError("async")));
  server.register("nothing", () => undefined);
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.call("plain", 1), 2);
  assert.equal(await client.call("promised", 4), 8);
  assert.equal(await client.call("thenable"), "adopted");
  assert.equal(await client.call("getter"), 7);
  assert.equal(thenReads, 1, "a `then` getter is read once, as by await");
  assert.deepEqual(await client.call("notThenable"), { then: 5 });
  await assert.rejects(client.call("throws"), { remoteName: "RangeError", remoteMessage: "sync" });
  await assert.rejects(client.call("rejects"), { remoteName: "TypeError", remoteMessage: "async" });
  assert.equal(await client.call("nothing"), null);
  assert.deepEqual(failures, ["throws", "rejects"]);
  assert.equal(server.running, 0, "every slot is free again");
});

test("every malformed request gets an ERROR reply and the server keeps serving", async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const ep = server.endpoint!;
  const cases: Array<[string, Buffer | Buffer[], string | RegExp]> = [
    ["unknown method", lua.encodeRequest("nope", [1]), "function 'nope' not found"],
    ["non-array request", Buffer.from(encode({ method: "add" })), lua.INVALID_REQUEST_MESSAGE],
    ["scalar request", Buffer.from(encode(42)), lua.INVALID_REQUEST_MESSAGE],
    ["empty array", Buffer.from(encode([])), lua.INVALID_REQUEST_MESSAGE],
    ["non-string method", Buffer.from(encode([7, 1, 2])), lua.INVALID_REQUEST_MESSAGE],
    ["binary method", Buffer.from(encode([new Uint8Array([0x61]), 1])), lua.INVALID_REQUEST_MESSAGE],
    ["malformed msgpack", Buffer.from([0x92, 0xc1]), /^malformed msgpack request: /],
    ["truncated msgpack", Buffer.from([0x93, 0xa3, 0x61]), /^malformed msgpack request: /],
    ["trailing bytes", Buffer.concat([lua.encodeRequest("add", [1, 2]), Buffer.from([0x01])]), /^malformed msgpack request: /],
    ["empty frame", Buffer.alloc(0), /^malformed msgpack request: /],
    ["two frames", [lua.encodeRequest("add", [1, 2]), Buffer.from("x")], "request must be one frame, got 2"],
    ["handler throws", lua.encodeRequest("fail", ["too big"]), "RangeError: too big"],
    ["handler rejects", lua.encodeRequest("reject"), "TypeError: rejected on purpose"],
    ["unencodable result", lua.encodeRequest("unencodable"), /^RpcProtocolError: the result of 'unencodable' cannot be sent: /],
    ["multicall with a bad argument", lua.encodeRequest("rpc.multicall", [5]), /^rpc\.multicall takes one argument/],
  ];
  for (const [what, request, expected] of cases) {
    const reply = await within(rawCall(ep, request), 5000, what);
    assert.equal(reply.ok, false, what);
    if (!reply.ok) {
      if (typeof expected === "string") assert.equal(reply.message, expected, what);
      else assert.match(reply.message, expected, what);
    }
  }
  assert.deepEqual(await rawCall(ep, lua.encodeRequest("add", [2, 2])), { ok: true, value: 4 });
});

test("a slow handler does not delay other clients", async (t) => {
  const server = await startServer();
  const slowClient = new RpcClient(server.endpoint!, { timeout: 5000 });
  const fastClient = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (slowClient.close(), fastClient.close(), server.close()));
  let slowDone = false;
  const slow = slowClient.call("sleep", 800).then((v) => ((slowDone = true), v));
  const started = Date.now();
  for (let i = 0; i < 5; i++) assert.equal(await fastClient.call("add", i, 1), i + 1);
  assert.equal(slowDone, false, "the fast calls finished while the slow one still ran");
  assert.ok(Date.now() - started < 600);
  assert.equal(await slow, 800);
});

test("100 concurrent REQ clients are all answered correctly", async (t) => {
  const server = await startServer();
  const clients = Array.from({ length: 100 }, () => new Request({ linger: 0, receiveTimeout: 10000 }));
  t.after(() => {
    for (const c of clients) c.close();
    server.close();
  });
  const results = await within(
    Promise.all(
      clients.map(async (req, i) => {
        req.connect(server.endpoint!);
        const out: unknown[] = [];
        for (let k = 0; k < 3; k++) {
          await req.send(lua.encodeRequest(k === 1 ? "sleep" : "add", k === 1 ? [5] : [i, k]));
          out.push(lua.decodeReply(await req.receive()));
        }
        return out;
      }),
    ),
    20000,
    "100 clients",
  );
  results.forEach((out, i) => {
    assert.deepEqual(out, [{ ok: true, value: i }, { ok: true, value: 5 }, { ok: true, value: i + 2 }]);
  });
});

test("at the work bound requests are refused at once with a busy error", async (t) => {
  const server = await startServer({ maxConcurrency: 1, maxQueue: 1 });
  const client = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (client.close(), server.close()));
  const running = client.call("sleep", 400);
  const waiting = client.call("sleep", 10);
  // Wait until the first runs and the second waits, so the third meets the bound.
  const deadline = Date.now() + 3000;
  while (server.running + server.queued < 2 && Date.now() < deadline) await delay(5);
  assert.equal(server.running, 1);
  assert.equal(server.queued, 1);
  await assert.rejects(client.call("add", 1, 1), (err: Error & { remoteMessage?: string }) => err.remoteMessage === BUSY_MESSAGE);
  assert.equal(await running, 400);
  assert.equal(await waiting, 10);
  assert.equal(await client.call("add", 1, 1), 2);
});

test("a request over 16 MiB ends its connection by default, in both protocols; the server serves on, and the bound is the socket's to change", async (t) => {
  for (const protocol of ["luaovermq", "manley"] as const) {
    const server = new RpcServer({ protocol });
    server.register("add", (a: number, b: number) => a + b);
    await server.bind("tcp://127.0.0.1:0");
    const raw = new Dealer();
    const client = new RpcClient(server.endpoint!, { protocol, timeout: 5000 });
    t.after(() => (raw.close(), client.close(), server.close()));
    assert.equal(server.socket.maxMessageSize, DEFAULT_MAX_MESSAGE_BYTES);
    const gone = new Promise<void>((resolve) => server.socket.events.on("disconnect", () => resolve()));
    raw.connect(server.endpoint!);
    await raw.send([Buffer.alloc(0), Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + 1, 0x20)]);
    await within(gone, 5000, `${protocol}: the oversized request's connection`);
    assert.equal(await client.call("add", 2, 3), 5);
    const open = new RpcServer({ protocol, socket: { maxMessageSize: -1 } });
    assert.equal(open.socket.maxMessageSize, -1);
    open.close();
  }
});

/** A server whose `hold` calls run until `release()`; counts the calls started. */
async function holdingServer(options: RpcServerOptions): Promise<{ server: RpcServer; started: () => number; release: () => void }> {
  const server = await startServer(options);
  let started = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  server.register("hold", async () => {
    started++;
    await gate;
    return "held";
  });
  return { server, started: () => started, release };
}

test("one client runs at most maxRunningPerClient calls at once (default a quarter of maxConcurrency); another client is served meanwhile", async (t) => {
  for (const [options, perClient] of [[{ maxConcurrency: 8 }, 2], [{ maxConcurrency: 8, maxRunningPerClient: 3 }, 3], [{ maxConcurrency: 2 }, 1]] as const) {
    const { server, started, release } = await holdingServer(options);
    const greedy = new RpcClient(server.endpoint!, { timeout: 10_000 });
    const other = new RpcClient(server.endpoint!, { timeout: 10_000 });
    t.after(() => (greedy.close(), other.close(), server.close()));
    const held = Array.from({ length: 10 }, () => greedy.call("hold"));
    // Every one of them has arrived (the server tells no event for it): running or waiting.
    const deadline = Date.now() + 5000;
    while (server.running + server.queued < 10 && Date.now() < deadline) await delay(5);
    // Answered while the greedy client's calls hold or wait: it did not take every slot.
    assert.equal(await within(other.call("add", 1, 2), 5000, "the other client's call"), 3);
    assert.equal(started(), perClient);
    assert.equal(server.running, perClient);
    assert.equal(server.queued, 10 - perClient);
    release();
    assert.deepEqual(await Promise.all(held), Array.from({ length: 10 }, () => "held"));
    assert.equal(server.running + server.queued, 0);
  }
});

test("work limit: a client at its own bound keeps its place in the round and goes on when its own task ends, in order", async () => {
  const log: string[] = [];
  const limit = new WorkLimit({ maxConcurrency: 4, maxRunningPerClient: 1, maxQueue: Infinity, maxQueuePerClient: Infinity, maxQueuedBytes: Infinity, maxQueuedBytesPerClient: Infinity });
  const finishers = new Map<string, () => void>();
  const task = (label: string) => (): Promise<void> => {
    log.push(label);
    return new Promise((resolve) => finishers.set(label, resolve));
  };
  for (const label of ["a1", "a2", "a3", "b1", "b2"]) assert.ok(limit.tryRun(label[0]!, 1, task(label)));
  let ran = 0;
  assert.ok(limit.tryRun("c", 1, () => void ran++), "a third client runs at once: slots are free");
  assert.equal(ran, 1);
  assert.deepEqual(log, ["a1", "b1"]);
  assert.equal(limit.running, 2);
  assert.equal(limit.queued, 3);
  finishers.get("b1")!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ["a1", "b1", "b2"]);
  finishers.get("a1")!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ["a1", "b1", "b2", "a2"]);
  assert.throws(() => new WorkLimit({ maxConcurrency: 4, maxRunningPerClient: 0, maxQueue: 1, maxQueuePerClient: 1, maxQueuedBytes: 1, maxQueuedBytesPerClient: 1 }), RangeError);
});

test("an rpc.multicall counts as its calls against the waiting bounds: past them refused at once with the busy error", async (t) => {
  const { server, release } = await holdingServer({ maxConcurrency: 1, maxQueue: 100 });
  const raw = new Dealer({ linger: 0 });
  t.after(() => (raw.close(), server.close()));
  raw.connect(server.endpoint!);
  const multicall = (n: number): Buffer => lua.encodeRequest("rpc.multicall", [Array.from({ length: n }, () => ["add", [1, 2]])]);
  const reply = async (): Promise<unknown> => {
    const [, ...frames] = await within(raw.receive(), 5000, "a reply");
    const r = lua.decodeReply(frames);
    return r.ok ? r.value : r.message;
  };
  await raw.send([Buffer.alloc(0), lua.encodeRequest("hold", [])]);
  const deadline = Date.now() + 5000;
  while (server.running < 1 && Date.now() < deadline) await delay(5);
  await raw.send([Buffer.alloc(0), multicall(60)]);
  await raw.send([Buffer.alloc(0), multicall(60)]);
  assert.equal(await reply(), BUSY_MESSAGE);
  assert.equal(server.queued, 60);
  release();
  assert.equal(await reply(), "held");
  assert.equal((await reply() as unknown[]).length, 60);
  assert.equal(lua.countRequestCalls(multicall(7), "rpc.multicall"), 7);
  for (const other of [lua.encodeRequest("add", [[1, 2, 3], 4]), lua.encodeRequest("rpc.multicall", [{ a: 1 }]), Buffer.from([0xc1]), lua.encodeRequest("rpc.multicall", [[], 1])]) {
    assert.equal(lua.countRequestCalls(other, "rpc.multicall"), 1);
  }
});
