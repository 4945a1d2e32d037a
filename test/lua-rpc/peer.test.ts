/**
 * Two purezmq peers (and raw sockets for malformed input): calls both ways,
 * concurrency and sequence numbers, eval / newexec / invoke, timeouts,
 * closing, and isolation of broken connections.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import * as net from "node:net";
import {
  LuaEncodeError,
  LuaRpcClosedError,
  LuaRpcConnectError,
  LuaRpcError,
  LuaRpcFrameTooLargeError,
  LuaRpcNoSuchProcedureError,
  LuaRpcNotCallableError,
  LuaRpcPeer,
  LuaRpcProtocolError,
  LuaRpcQueueFullError,
  LuaRpcResultNotSerializableError,
  LuaRpcTimeoutError,
  LuaTable,
  multi,
  newClient,
  newMultiServer,
  newServer,
  RemoteObjectRef,
  type LuaRpcPeerOptions,
  type LuaValue,
} from "../../src/lua-rpc/index.js";
import { deferred, hex, rawConnect, rawServer, spec } from "./helpers.js";

/** Resolves with the reason of the peer's 'close' event. */
function closeOf(peer: LuaRpcPeer): Promise<Error | undefined> {
  return new Promise((resolve) => peer.once("close", resolve));
}

/** A multi server plus one connected client; returns both ends. */
async function pair(serverOptions: LuaRpcPeerOptions = {}, clientOptions: LuaRpcPeerOptions = {}) {
  const got = deferred<LuaRpcPeer>();
  const server = await newMultiServer("127.0.0.1", 0, (p) => got.resolve(p), serverOptions);
  const client = await newClient("127.0.0.1", server.port, clientOptions);
  const remote = await got.promise;
  return {
    server,
    client,
    remote,
    async done() {
      await client.close();
      await server.close();
    },
  };
}

test("calls in both directions at the same time on one connection", async () => {
  const p = await pair(
    { expose: { add: (a: number, b: number) => a + b, whoami: () => "server" } },
    { expose: { mul: (a: number, b: number) => a * b, whoami: async () => "client" } },
  );
  const work: Promise<unknown>[] = [];
  for (let i = 0; i < 50; i++) {
    work.push(p.client.call("add", i, 1).then((r) => assert.deepEqual(r, [i + 1])));
    work.push(p.remote.call("mul", i, 2).then((r) => assert.deepEqual(r, [i * 2])));
  }
  await Promise.all(work);
  assert.deepEqual(await p.client.call("whoami"), ["server"]);
  assert.deepEqual(await p.remote.call("whoami"), ["client"]);
  // a handler that calls back the caller while its call is pending
  p.remote.expose({ relay: async (x: number) => (await p.remote.call("mul", x, 10))[0] });
  assert.deepEqual(await p.client.call("relay", 4), [40]);
  await p.done();
});

test("1,000 concurrent calls: sequence numbers wrap, never more than 256 in flight", async () => {
  let active = 0;
  let max = 0;
  const gate = deferred();
  const p = await pair({
    expose: {
      twice: async (i: number) => {
        active++;
        max = Math.max(max, active);
        if (active === 256) gate.resolve();
        await gate.promise;
        active--;
        return i * 2;
      },
    },
  });
  const calls = Array.from({ length: 1000 }, (_, i) => p.client.call("twice", i));
  assert.equal(p.client.pendingCalls, 1000);
  const results = await Promise.all(calls);
  results.forEach((r, i) => assert.deepEqual(r, [i * 2]));
  assert.equal(max, 256);
  assert.equal(p.client.pendingCalls, 0);
  // a longer burst exercises the compaction of the waiting queue
  const burst = await Promise.all(Array.from({ length: 3000 }, (_, i) => p.client.call("twice", i)));
  burst.forEach((r, i) => assert.deepEqual(r, [i * 2]));
  await p.done();
});

test("sequence numbers count from 0 and wrap at 256", async () => {
  const raw = await rawServer();
  const client = await newClient("127.0.0.1", raw.port);
  const conn = await raw.next();
  const seqs: number[] = [];
  const answering = (async () => {
    for (let i = 0; i < 300; i++) {
      const f = (await conn.readFrame())!;
      seqs.push(f[1]!);
      await conn.write(Buffer.from([1, f[1]!, 0, 0, 0, 2, 0, 0]));
    }
  })();
  for (let i = 0; i < 300; i++) assert.deepEqual(await client.call("n"), [null]);
  await answering;
  assert.deepEqual(seqs, Array.from({ length: 300 }, (_, i) => i % 256));
  await client.close();
  raw.server.close();
});

test("a busy sequence number is skipped, a late response after a timeout is not misrouted", async () => {
  const raw = await rawServer();
  const client = await newClient("127.0.0.1", raw.port);
  const conn = await raw.next();
  const slow = client.callWithOptions("slow", [], { timeout: 20 });
  // Awaited after the frame is read, but watched from now: the timeout may come first on a loaded machine.
  const timedOut = assert.rejects(slow, (e: unknown) => e instanceof LuaRpcTimeoutError && e.code === "ERR_LUA_RPC_TIMEOUT" && e.procedure === "slow");
  const f0 = (await conn.readFrame())!;
  assert.equal(f0[1], 0);
  await timedOut;
  // 255 calls take seqs 1..255, the next one would be 0 but 0 is still reserved
  const calls = Array.from({ length: 256 }, (_, i) => client.call("c", i));
  const seen = new Set<number>();
  for (let i = 0; i < 255; i++) seen.add((await conn.readFrame())![1]!);
  assert.equal(seen.size, 255);
  assert.ok(!seen.has(0));
  // the late answer to seq 0 frees it without resolving anything else
  await conn.write(spec("01 00 00000006 00 07 00000063"));
  const last = (await conn.readFrame())!;
  assert.equal(last[1], 0);
  for (let s = 0; s < 256; s++) await conn.write(Buffer.from([1, s, 0, 0, 0, 6, 0, 7, 0, 0, 0, s]));
  const results = await Promise.all(calls);
  assert.deepEqual(results[255], [0]);
  assert.deepEqual(results[0], [1]);
  await client.close();
  raw.server.close();
});

test("values: nested, shared and self-referencing tables, multi results, nil", async () => {
  const p = await pair({
    expose: {
      echo: (...a: LuaValue[]) => multi(...a),
      nothing: () => undefined,
      nil: () => null,
      three: () => multi(1, null, "x"),
      selfref: () => {
        const t: Record<string, unknown> = { v: 1 };
        t.self = t;
        return t;
      },
    },
  });
  const shared = { s: "shared" };
  const nested = { list: [1, 2.5, "three", [true, false]], map: new Map<unknown, unknown>([[1.5, "a"], [true, shared]]), again: shared };
  const [back] = await p.client.call("echo", nested);
  const b = back as { list: LuaValue[]; map: Map<LuaValue, LuaValue>; again: unknown };
  assert.deepEqual(b.list, [1, 2.5, "three", [true, false]]);
  assert.equal(b.map.get(1.5), "a");
  assert.equal(b.map.get(true), b.again, "shared table stays shared");
  const [t] = await p.client.call("selfref");
  assert.equal((t as Record<string, unknown>).self, t);
  assert.deepEqual(await p.client.call("nothing"), []);
  assert.deepEqual(await p.client.call("nil"), [null]);
  assert.deepEqual(await p.client.call("three"), [1, null, "x"]);
  assert.deepEqual(await p.client.call("echo"), []);
  await p.done();
});

test("errors: status 1 to 4, __call0, thrown values, encode errors", async () => {
  const p = await pair({
    expose: {
      boom: () => {
        throw new Error("boom");
      },
      asyncBoom: async () => {
        throw new Error("later");
      },
      throwTable: () => {
        throw { code: 42 };
      },
      throwFn: () => {
        throw () => 1;
      },
      unserializable: () => () => 1,
      unserializableError: () => {
        throw new Error("x".repeat(70000));
      },
      value: "not callable",
      nothing: null,
      obj: { deep: { fn: () => "deep" } },
      list: [() => "first", "second"],
    },
  });
  const c = p.client;
  await assert.rejects(c.call("boom"), (e: unknown) => e instanceof LuaRpcError && e.message === "boom" && e.status === 1 && e.procedure === "boom");
  await assert.rejects(c.call("asyncBoom"), /later/);
  await assert.rejects(c.call("throwTable"), (e: unknown) => e instanceof LuaRpcError && (e.value as Record<string, unknown>).code === 42 && /remote error in throwTable/.test(e.message));
  await assert.rejects(c.call("throwFn"), (e: unknown) => e instanceof LuaRpcError && typeof e.value === "string");
  await assert.rejects(c.call("unserializable"), (e: unknown) => e instanceof LuaRpcResultNotSerializableError && e.code === "ERR_LUA_RPC_RESULT_NOT_SERIALIZABLE" && e.value === "Cannot serialize result" && e.status === 4);
  await assert.rejects(c.call("unserializableError"), (e: unknown) => e instanceof LuaRpcError && e.message === "x".repeat(65531) + "...");
  await assert.rejects(c.call("value"), (e: unknown) => e instanceof LuaRpcNotCallableError && e.status === 3 && e.procedure === "value");
  await assert.rejects(c.call("nothing"), (e: unknown) => e instanceof LuaRpcNoSuchProcedureError && e.status === 2);
  await assert.rejects(c.call("missing.path.x"), LuaRpcNoSuchProcedureError);
  await assert.rejects(c.call("value.length"), LuaRpcNoSuchProcedureError, "no lookups inside strings");
  await assert.rejects(c.call("obj.constructor"), LuaRpcNoSuchProcedureError);
  await assert.rejects(c.call("obj.toString"), LuaRpcNoSuchProcedureError);
  await assert.rejects(c.call("obj.__proto__"), LuaRpcNoSuchProcedureError);
  await assert.rejects(c.call(""), LuaRpcNoSuchProcedureError);
  await assert.rejects(c.call("__call0"), (e: unknown) => e instanceof LuaRpcError && e.message === "Not implemented");
  assert.deepEqual(await c.call("obj.deep.fn"), ["deep"]);
  assert.deepEqual(await c.call("list.1"), ["first"]);
  await assert.rejects(c.call("list.2"), LuaRpcNotCallableError);
  await assert.rejects(c.call("list.3"), LuaRpcNoSuchProcedureError);
  // a non-string procedure name is not found
  await assert.rejects(c.call(5 as unknown as string), LuaRpcNoSuchProcedureError);
  // an argument that cannot be encoded fails that call only
  await assert.rejects(c.call("boom", Symbol("x")), LuaEncodeError);
  assert.deepEqual(await c.call("obj.deep.fn"), ["deep"]);
  // a remote error rethrown by a handler keeps its value
  p.client.expose({ relay: () => p.client.call("throwTable") });
  await assert.rejects(p.remote.call("relay"), (e: unknown) => e instanceof LuaRpcError && (e.value as Record<string, unknown>).code === 42);
  await p.done();
});

test("eval against the exposed object", async () => {
  class Counter {
    n = 3;
    get() {
      return this.n;
    }
  }
  const p = await pair({
    expose: { config: { nested: { v: 1.5 } }, list: ["a", "b"], map: new Map<unknown, unknown>([[1, "one"], ["k", "v"]]), t: new LuaTable([[2, "two"]]), counter: new Counter() },
  });
  const c = p.client;
  assert.equal(await c.eval("config.nested.v"), 1.5);
  assert.deepEqual(await c.eval("config"), { nested: { v: 1.5 } });
  assert.equal(await c.eval("list.2"), "b");
  assert.equal(await c.eval("list.0"), null);
  assert.equal(await c.eval("map.1"), "one");
  assert.equal(await c.eval("map.k"), "v");
  assert.equal(await c.eval("t.2"), "two");
  assert.equal(await c.eval("t.3"), null);
  assert.equal(await c.eval("counter.n"), null, "a field of a class instance is not exposed");
  assert.deepEqual(await c.call("counter.get"), [3], "this is the holder");
  assert.equal(await c.eval("nope.nope"), null);
  assert.equal(await c.eval(""), null);
  await assert.rejects(c.call("__rpceval", 1), /path must be a string/);
  await p.done();
});

test("newexec is refused without an evaluator and works with one", async () => {
  const refused = await pair();
  await assert.rejects(refused.client.newexec("return 1"), (e: unknown) => e instanceof LuaRpcError && /refused/.test(e.message));
  await assert.rejects(refused.client.call("__rpcrunexec", 1), /Undefined exec call/);
  await refused.done();

  const scripts: unknown[] = [];
  const p = await pair({
    evaluator: async (script) => {
      scripts.push(script);
      if (script === "return ... + 1") return (x) => (x as number) + 1;
      if (script === "bad") throw new Error("syntax error near 'bad'");
      if (script === "notfn") return 5 as unknown as () => unknown;
      return (...a) => multi(...a, "ran");
    },
  });
  const inc = await p.client.newexec(["return", " ... + 1"]);
  assert.equal(inc.execId, 1);
  assert.deepEqual(await inc(41), [42]);
  const other = await p.client.newexec("print(...)");
  assert.equal(other.execId, 2);
  assert.deepEqual(await other("a", 2), ["a", 2, "ran"]);
  const { LuaFunction, LuaBytes } = await import("../../src/lua-rpc/index.js");
  const fn = new LuaFunction(Buffer.from([0x1b, 0x4c, 0x75, 0x61]));
  await p.client.newexec(fn);
  assert.ok(scripts[2] instanceof LuaFunction);
  await p.client.call("__rpcbuildexec", new LuaBytes(Buffer.from([0xff])));
  assert.equal(scripts[3], "\xff");
  await assert.rejects(p.client.newexec("bad"), /syntax error/);
  await assert.rejects(p.client.newexec("notfn"), /did not return a function/);
  await assert.rejects(p.client.call("__rpcbuildexec", { a: 1 }), /must be a string/);
  await assert.rejects(p.client.call("__rpcrunexec", 99), /Undefined exec call/);
  await p.done();
});

test("object references and __rpcinvoke", async () => {
  const account = {
    balance: 10,
    deposit(n: number) {
      this.balance += n;
      return this.balance;
    },
  };
  let server!: LuaRpcPeer;
  const p = await pair({
    expose: {
      open: () => server.registerObject(account),
      svc: { ping: () => "pong" },
    },
  });
  server = p.remote;
  const [ref] = await p.client.call("open");
  assert.ok(ref instanceof RemoteObjectRef);
  assert.deepEqual(await p.client.invoke(ref, "deposit", 5), [15]);
  assert.equal(server.registerObject(account).id, ref.id, "same object, same id");
  assert.deepEqual(await p.client.call("__rpcinvoke", "svc", "ping"), ["pong"]);
  // A reference inside a table is refused here, before sending; the connection stays up.
  await assert.rejects(async () => p.client.call("svc.ping", { account: ref }), /only be sent as a whole argument or result/);
  assert.deepEqual(await p.client.call("svc.ping"), ["pong"]);
  await assert.rejects(p.client.invoke(ref, "nosuch"), /attempt to call method 'nosuch' \(a nil value\)/);
  await assert.rejects(p.client.invoke(ref, "balance"), /a number value/);
  await assert.rejects(p.client.call("__rpcinvoke", ref, 3), /method name must be a string/);
  await assert.rejects(p.client.call("__rpcinvoke", { a: 1 }, "x"), /attempt to call method/);
  await assert.rejects(p.client.call("__rpcinvoke", "missing", "x"), /attempt to call method/);
  await assert.rejects(p.client.invoke(new RemoteObjectRef(999), "deposit"), /unknown object 999/);
  server.unregisterObject(server.registerObject(account));
  server.unregisterObject(server.registerObject(account));
  await assert.rejects(p.client.invoke(ref, "deposit", 1), /unknown object/);
  await p.done();
});

test("timeouts: per peer and per call; queued calls time out too", async () => {
  const never = new Promise(() => {});
  const p = await pair({ expose: { hang: () => never, fast: () => "ok" } }, { timeout: 30 });
  await assert.rejects(p.client.call("hang"), (e: unknown) => e instanceof LuaRpcTimeoutError && e.timeout === 30);
  await assert.rejects(p.client.callWithOptions("hang", [], { timeout: 10 }), (e: unknown) => e instanceof LuaRpcTimeoutError && e.timeout === 10);
  assert.deepEqual(await p.client.callWithOptions("fast", [], { timeout: 0 }), ["ok"]);
  await p.done();

  const q = await pair({ expose: { hang: () => never, fast: () => "ok" } });
  const hung = Array.from({ length: 256 }, () => q.client.call("hang").catch((e: unknown) => e));
  const queued = q.client.callWithOptions("fast", [], { timeout: 20 });
  await assert.rejects(queued, LuaRpcTimeoutError);
  const closing = q.client.close();
  for (const e of await Promise.all(hung)) assert.ok(e instanceof LuaRpcClosedError);
  await closing;
  await q.server.close();
});

test("the call queue is bounded", async () => {
  const gate = deferred();
  const p = await pair({ expose: { wait: () => gate.promise.then(() => "done") } }, { maxQueuedCalls: 2 });
  const calls = Array.from({ length: 258 }, () => p.client.call("wait"));
  await assert.rejects(p.client.call("wait"), (e: unknown) => e instanceof LuaRpcQueueFullError && e.code === "ERR_LUA_RPC_QUEUE_FULL");
  gate.resolve();
  for (const r of await Promise.all(calls)) assert.deepEqual(r, ["done"]);
  await p.done();
});

test("closing fails pending calls with LuaRpcClosedError, both sides", async () => {
  const never = new Promise(() => {});
  const p = await pair({ expose: { hang: () => never } });
  const pending = p.client.call("hang");
  const pendingCheck = assert.rejects(pending, (e: unknown) => e instanceof LuaRpcClosedError && e.code === "ERR_LUA_RPC_CLOSED");
  const remoteClosed = closeOf(p.remote);
  await p.client.close();
  await pendingCheck;
  assert.equal(await remoteClosed, undefined);
  await assert.rejects(p.client.call("hang"), LuaRpcClosedError);
  assert.equal(p.client.closed, true);
  await p.client.close(); // idempotent
  await p.server.close();

  // the server side goes away: the client's pending calls fail
  const q = await pair({ expose: { hang: () => never } });
  const pending2 = q.client.call("hang");
  q.remote.destroy();
  await assert.rejects(pending2, (e: unknown) => e instanceof LuaRpcClosedError && /remote peer/.test(e.message));
  await q.server.close();

  // destroy with a reason reports it
  const r = await pair();
  const closed = closeOf(r.client);
  const err = new Error("app says stop");
  r.client.destroy(err);
  assert.equal(await closed, err);
  r.client.destroy();
  await r.server.close();

  // destroy without reason
  const s = await pair();
  const pending3 = s.client.call("x");
  s.client.destroy();
  await assert.rejects(pending3, /destroyed/);
  await s.server.close();
});

test("malformed input closes only that connection, with a typed reason", async () => {
  const reasons: Array<Error | undefined> = [];
  const closedEvents: Array<Promise<unknown>> = [];
  const server = await newMultiServer("127.0.0.1", 0, (peer) => {
    closedEvents.push(closeOf(peer).then((r) => reasons.push(r)));
  }, { expose: { ping: () => "pong" }, maxFrameSize: 1024 });
  const good = await newClient("127.0.0.1", server.port);
  assert.deepEqual(await good.call("ping"), ["pong"]);

  const bad: Array<[string, string, RegExp]> = [
    ["bad type", "02 00 00000000", /bad message type 2/],
    ["oversize", "00 00 00000401", /exceeds maxFrameSize/],
    ["huge size", "00 00 ffffffff", /exceeds maxFrameSize/],
    ["response without status", "01 00 00000000", /without status/],
    ["truncated object", "00 00 00000004 04 0005 61", /truncated string/],
    ["bad tag", "00 00 00000001 99", /unknown tag 0x99/],
    ["bad back-reference", "00 00 00000003 14 0001", /bad back-reference/],
    ["bad argument", "00 00 00000008 04 0004 70696e67 99", /unknown tag/],
  ];
  for (const [label, wire, re] of bad) {
    const before = closedEvents.length;
    const conn = await rawConnect(server.port);
    while (closedEvents.length === before) await new Promise<void>((r) => setImmediate(r));
    await conn.write(spec(wire));
    await conn.closed();
    await closedEvents[before];
    const reason = reasons[reasons.length - 1];
    assert.ok(reason instanceof LuaRpcProtocolError, label);
    assert.match(reason.message, re, label);
    assert.match(reason.code, /^ERR_LUA_RPC_(PROTOCOL|FRAME_TOO_LARGE)$/);
    assert.deepEqual(await good.call("ping"), ["pong"], `${label}: other connection still works`);
  }
  assert.ok(reasons.some((r) => r instanceof LuaRpcFrameTooLargeError && r.size === 0xffffffff && r.limit === 1024));
  await good.close();
  await server.close();
});

test("malformed responses fail the call and close the connection", async () => {
  const cases: Array<[string, RegExp]> = [
    ["01 00 00000002 09 00", /unknown response status 9/],
    ["01 00 00000003 00 04 00", /malformed response/],
  ];
  for (const [wire, re] of cases) {
    const raw = await rawServer();
    const client = await newClient("127.0.0.1", raw.port);
    const errors: unknown[] = [];
    client.on("error", (e) => errors.push(e));
    const conn = await raw.next();
    const pending = client.call("x");
    const other = client.call("y");
    await conn.readFrame();
    await conn.readFrame();
    const closed = closeOf(client);
    await conn.write(spec(wire));
    await assert.rejects(pending, (e: unknown) => e instanceof LuaRpcProtocolError && re.test(e.message));
    await assert.rejects(other, (e: unknown) => e instanceof LuaRpcClosedError && e.cause instanceof LuaRpcProtocolError);
    const reason = await closed;
    assert.ok(reason instanceof LuaRpcProtocolError);
    assert.equal(errors[0], reason);
    raw.server.close();
  }
});

test("unsolicited responses are ignored; a call frame without name is 'no such procedure'", async () => {
  const p = await pair({ expose: { ping: () => "pong" } });
  const conn = await rawConnect(p.server.port);
  await conn.write(spec("01 07 00000001 00"));
  await conn.write(spec("00 03 00000000"));
  assert.equal(hex((await conn.readFrame())!), hex(spec("01 03 00000001 02")));
  // the raw client answers status 4 for the server
  conn.destroy();
  await p.done();
});

test("a peer answering with status 4 gives LuaRpcResultNotSerializableError", async () => {
  const raw = await rawServer();
  const client = await newClient("127.0.0.1", raw.port);
  const conn = await raw.next();
  const call = client.call("f");
  await conn.readFrame();
  await conn.write(spec('01 00 0000001b 04 04 0017 "Cannot serialize result"'));
  await assert.rejects(call, (e: unknown) => e instanceof LuaRpcResultNotSerializableError && e.message === "f: Cannot serialize result");
  const call2 = client.call("g");
  await conn.readFrame();
  await conn.write(spec("01 01 00000001 04"));
  await assert.rejects(call2, (e: unknown) => e instanceof LuaRpcResultNotSerializableError && e.value === null);
  const call3 = client.call("h");
  await conn.readFrame();
  await conn.write(spec("01 02 00000001 01"));
  await assert.rejects(call3, (e: unknown) => e instanceof LuaRpcError && e.value === null && /nil/.test(e.message));
  await client.close();
  raw.server.close();
});

test("the server answers status 4 with the exact Lua octets", async () => {
  const p = await pair({ expose: { f: () => Symbol("no") } });
  const conn = await rawConnect(p.server.port);
  await conn.write(spec('00 05 00000004 04 0001 "f"'));
  assert.equal(hex((await conn.readFrame())!), hex(spec('01 05 0000001b 04 04 0017 "Cannot serialize result"')));
  conn.destroy();
  await p.done();
});

test("newServer accepts one peer then stops listening; connect errors are typed", async () => {
  let port = 0;
  const listening = deferred();
  const serverPeer = newServer("127.0.0.1", 0, { expose: { hi: () => "hi" }, onListening: (a) => ((port = a.port), listening.resolve()) });
  await listening.promise;
  const client = await newClient("127.0.0.1", port);
  const peer = await serverPeer;
  assert.deepEqual(await client.call("hi"), ["hi"]);
  await assert.rejects(newClient("127.0.0.1", port), (e: unknown) => e instanceof LuaRpcConnectError && e.code === "ERR_LUA_RPC_CONNECT");
  await client.close();
  if (!peer.closed) await closeOf(peer);

  // listening on a busy port is a LuaRpcConnectError
  const busy = net.createServer().listen(0, "127.0.0.1");
  await once(busy, "listening");
  const busyPort = (busy.address() as net.AddressInfo).port;
  await assert.rejects(newServer("127.0.0.1", busyPort), LuaRpcConnectError);
  await assert.rejects(newMultiServer("127.0.0.1", busyPort, () => {}), LuaRpcConnectError);
  busy.close();
});

test("multi server: several peers, failing onPeer callbacks close only their peer", async () => {
  let n = 0;
  const errors: unknown[] = [];
  const server = await newMultiServer("127.0.0.1", 0, async (peer) => {
    n++;
    if (n === 2) throw new Error("reject second");
    if (n === 3) throw "reject third";
    peer.expose({ id: () => n });
  });
  server.on("error", (e) => errors.push(e));
  assert.equal(server.address().port, server.port);
  const a = await newClient("127.0.0.1", server.port);
  assert.deepEqual(await a.call("id"), [1]);
  for (let i = 0; i < 2; i++) {
    const b = await newClient("127.0.0.1", server.port);
    if (!b.closed) await closeOf(b);
    await assert.rejects(b.call("id"), LuaRpcClosedError);
  }
  assert.equal(errors.length, 2);
  const sync = await newMultiServer("127.0.0.1", 0, () => {
    throw new Error("sync failure");
  });
  const c = await newClient("127.0.0.1", sync.port);
  if (!c.closed) await closeOf(c);
  await sync.close();
  assert.deepEqual(await a.call("id"), [3]);
  await server.close(false);
  assert.equal(a.closed, false);
  await a.close();
});

test("a peer over an already destroyed socket reports close", async () => {
  const s = new net.Socket();
  s.destroy();
  const peer = new LuaRpcPeer(s, { noDelay: false });
  await closeOf(peer);
  assert.equal(peer.closed, true);
});

test("an AbortSignal aborts a call (queued or in flight) and connecting", async () => {
  const release = deferred<void>();
  const p = await pair({ expose: { hang: () => release.promise.then(() => "late"), ping: () => "pong" } });
  const inFlight = new AbortController();
  const hanging = p.client.callWithOptions("hang", [], { signal: inFlight.signal });
  inFlight.abort(new Error("no longer needed"));
  await assert.rejects(hanging, /no longer needed/);
  await assert.rejects(p.client.callWithOptions("ping", [], { signal: AbortSignal.abort() }), (e: Error) => e.name === "AbortError");
  release.resolve();
  // The late response of the aborted call is ignored; the connection serves on.
  assert.deepEqual(await p.client.call("ping"), ["pong"]);
  await p.done();

  await assert.rejects(newClient("127.0.0.1", 1, { signal: AbortSignal.abort() }), (e: Error) => e.name === "AbortError");
  const server = await newMultiServer("127.0.0.1", 0, () => {});
  const connecting = new AbortController();
  const client = newClient("127.0.0.1", server.port, { signal: connecting.signal });
  connecting.abort();
  await assert.rejects(client, (e: Error) => e.name === "AbortError");
  // Once connected, aborting the signal does nothing to the peer.
  const later = new AbortController();
  const peer = await newClient("127.0.0.1", server.port, { signal: later.signal });
  later.abort();
  assert.deepEqual(await new Promise((resolve) => setImmediate(() => resolve(peer.closed))), false);
  await peer.close();
  await server.close();
});
