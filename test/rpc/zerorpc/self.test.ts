/**
 * dotcloud zerorpc between our own client and server: calls, errors,
 * reserved methods, streams under credit, heartbeats and lost remotes,
 * events read no further than their header and name until they run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Router } from "../../../src/index.js";
import { MAX_DECODED_VALUES, RpcClient, RpcClosedError, RpcError, RpcLostRemoteError, RpcServer, RpcTimeoutError, ZeroRpcHandler, encodeMsgpack } from "../../../src/rpc/index.js";
import { MethodRegistry } from "../../../src/rpc/registry.js";
import { zerorpc } from "../../../src/rpc/codec/index.js";
import { delay, within } from "../helpers.js";
import { clientOf, goldenServer, rawPeerOf } from "./helpers.js";

test("zerorpc: a call returns its result, a failure its name and message", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const client = clientOf(t, server);
  assert.equal(await client.call("add", 2, 3), 5);
  const err = await client.call("fail").then(() => assert.fail("resolved"), (e: unknown) => e);
  assert.ok(err instanceof RpcError);
  assert.equal(err.remoteName, "RangeError");
  assert.equal(err.remoteMessage, "bad value");
  assert.equal(err.remoteTraceback ?? "", "", "no traceback unless the server opts in");
  const unknown = await client.call("nope").then(() => assert.fail("resolved"), (e: unknown) => e);
  assert.ok(unknown instanceof RpcError);
  assert.deepEqual([unknown.remoteName, unknown.remoteMessage], ["NameError", "nope"]);
  // Many calls in flight on one connection, matched by response_to.
  const sums = await Promise.all(Array.from({ length: 50 }, (_, i) => client.call("add", i, 1)));
  assert.deepEqual(sums, Array.from({ length: 50 }, (_, i) => i + 1));
});

test("zerorpc: tracebacks are sent when the server opts in", async (t) => {
  const server = await goldenServer({ tracebacks: true });
  t.after(() => server.close());
  const err = await clientOf(t, server).call("fail").catch((e: RpcError) => e);
  assert.ok(err instanceof RpcError);
  assert.match(err.remoteTraceback ?? "", /RangeError: bad value\n\s+at /);
});

test("zerorpc: the reserved methods describe the server", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const client = clientOf(t, server);
  assert.deepEqual(await client.call("_zerorpc_ping"), ["pong", "Api"]);
  assert.equal(await client.call("_zerorpc_name"), "Api");
  assert.deepEqual(await client.call("_zerorpc_list"), ["add", "count", "fail", "slow"]);
  const inspect = (await client.call("_zerorpc_inspect")) as { name: string; methods: Record<string, { args: { name: string }[]; doc: string }> };
  assert.equal(inspect.name, "Api");
  assert.deepEqual(inspect.methods.add, { args: [{ name: "a" }, { name: "b" }], doc: "Adds two numbers." });
  assert.deepEqual(inspect.methods.count!.args, [{ name: "n" }]);
  assert.ok(server.methods().some((m) => m.name === "_zerorpc_inspect"));
});

test("zerorpc: a generator streams its items, in order, across many credits", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const client = clientOf(t, server, { streamBuffer: 8 });
  const items: unknown[] = [];
  for await (const item of client.stream("count", 100)) items.push(item);
  assert.deepEqual(items, Array.from({ length: 100 }, (_, i) => i));
  // An async generator streams too, and an error mid-stream ends it with that error.
  server.register("letters", async function* () {
    yield "a";
    yield "b";
    throw new TypeError("no more letters");
  });
  const got: unknown[] = [];
  const err = await (async () => {
    for await (const item of client.stream("letters")) got.push(item);
  })().catch((e: unknown) => e);
  assert.deepEqual(got, ["a", "b"]);
  assert.ok(err instanceof RpcError);
  assert.deepEqual([err.remoteName, err.remoteMessage], ["TypeError", "no more letters"]);
});

test("zerorpc: a paused consumer bounds what the server pulls and sends", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  let pulled = 0;
  let reached: (() => void) | undefined;
  const bufferFull = new Promise<void>((resolve) => (reached = resolve));
  server.register("endless", function* () {
    for (;;) {
      pulled++;
      if (pulled === 11) reached!();
      yield pulled;
    }
  });
  const client = clientOf(t, server, { streamBuffer: 10 });
  const it = client.stream("endless")[Symbol.asyncIterator]();
  assert.deepEqual(await it.next(), { value: 1, done: false });
  // The first item, then the 10 of credit; then the server waits.
  await within(bufferFull, 5000, "the server filling the credit");
  for (let i = 0; i < 5; i++) await client.call("add", 1, 1);
  assert.equal(pulled, 11, "the generator is not pulled beyond the credit");
  // Reading on gives credit again and the stream goes on.
  for (let i = 2; i <= 30; i++) assert.deepEqual(await it.next(), { value: i, done: false });
  await it.return!(undefined);
});

test("zerorpc: heartbeats keep a slow call alive past two heartbeat periods", async (t) => {
  const server = await goldenServer({ heartbeat: 150 });
  t.after(() => server.close());
  const client = clientOf(t, server, { heartbeat: 150 });
  assert.equal(await client.call("slow", 700), 700);
});

test("zerorpc: a server that stops answering is lost after about two heartbeats", async (t) => {
  // A ROUTER that takes requests and never answers: no reply, no heartbeat.
  const silent = new Router({ linger: 0 });
  t.after(() => silent.close());
  await silent.bind("tcp://127.0.0.1:0");
  const client = clientOf(t, { endpoint: silent.lastEndpoint } as RpcServer, { heartbeat: 50, timeout: 0 });
  const start = performance.now();
  const err = await within(client.call("add", 1, 2).catch((e: unknown) => e), 5000, "lost remote");
  assert.ok(err instanceof RpcLostRemoteError, String(err));
  assert.equal(err.code, "EHOSTUNREACH");
  const took = performance.now() - start;
  assert.ok(took >= 100, `declared lost after ${took} ms, before two heartbeats`);
  assert.equal(client.pending, 0);
});

test("zerorpc: a client that goes silent mid-stream is dropped and its generator closed", async (t) => {
  const server = await goldenServer({ heartbeat: 40 });
  t.after(() => server.close());
  let finished: (() => void) | undefined;
  const closed = new Promise<void>((resolve) => (finished = resolve));
  server.register("forever", function* () {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      finished!();
    }
  });
  const raw = rawPeerOf(t, server);
  const id = zerorpc.newMessageId();
  await raw.send([Buffer.alloc(0), zerorpc.encodeEvent("forever", [], id)]);
  const [, first] = await raw.receive();
  assert.deepEqual(zerorpc.decodeEvent(first!).args, 0);
  // No credit, no heartbeat: after two periods the channel is lost.
  await within(closed, 5000, "the server dropping the silent stream");
  assert.equal(await clientOf(t, server).call("add", 1, 1), 2);
  assert.equal(server.running, 0, "the work slot is free again");
});

test("zerorpc: a timeout is separate from heartbeats", async (t) => {
  const server = await goldenServer({ heartbeat: 150 });
  t.after(() => server.close());
  const client = clientOf(t, server, { heartbeat: 150, timeout: 100 });
  const err = await client.call("slow", 1000).catch((e: unknown) => e);
  assert.ok(err instanceof RpcTimeoutError);
});

test("zerorpc: message ids sent as str are answered as str", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const raw = rawPeerOf(t, server);
  const id = zerorpc.newMessageId("str");
  await raw.send([Buffer.alloc(0), zerorpc.encodeEvent("add", [20, 22], id)]);
  const [delimiter, body] = await raw.receive();
  assert.equal(delimiter!.length, 0);
  const reply = zerorpc.decodeEvent(body!);
  assert.equal(reply.responseTo, id);
  assert.equal(typeof reply.id, "string");
  assert.match(reply.id as string, /^[0-9a-f]{32}$/);
  assert.deepEqual([reply.name, reply.args], ["OK", [42]]);
});

test("zerorpc: a batch sends its calls at once, each result or error in order", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const client = clientOf(t, server);
  const batch = client.batch();
  batch.add("add", 1, 2);
  batch.add("fail");
  batch.add("add", 3, 4);
  const results = await batch.send();
  assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
  assert.deepEqual([results[0]!.ok && results[0]!.value, results[2]!.ok && results[2]!.value], [3, 7]);
  // A plain method read as a stream gives its one result.
  const items: unknown[] = [];
  for await (const item of client.stream("add", 1, 1)) items.push(item);
  assert.deepEqual(items, [2]);
  // A streaming method called for one result is refused clearly.
  await assert.rejects(client.call("count", 2), /use stream\(\) for streaming methods/);
});

test("zerorpc client: closing fails the calls in progress; the pending bound refuses more", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const client = clientOf(t, server, { maxPending: 1 });
  const slow = client.call("slow", 2000);
  await assert.rejects(client.call("add", 1, 1), (e: Error & { code?: string }) => e.code === "EAGAIN");
  client.close();
  await assert.rejects(slow, RpcClosedError);
  await assert.rejects(client.call("add", 1, 1), RpcClosedError);
  assert.equal(client.closed, true);
  const lua = new RpcClient(server.endpoint!);
  t.after(() => lua.close());
  assert.throws(() => lua.stream("x"), /the luaovermq protocol has no streams/);
});

test("zerorpc: a stream's timeout bounds the server's silence, not the reader's pauses", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const client = clientOf(t, server, { timeout: 150, streamBuffer: 2 });
  const items: unknown[] = [];
  for await (const item of client.stream("count", 6)) {
    items.push(item);
    if (item === 1) await delay(400); // a reader busy for longer than the timeout
  }
  assert.deepEqual(items, [0, 1, 2, 3, 4, 5]);
  // A server that goes silent mid-stream still times the reader out.
  server.register("stall", async function* () {
    yield "first";
    await delay(2000);
  });
  const got: unknown[] = [];
  const err = await (async () => {
    for await (const item of client.stream("stall")) got.push(item);
  })().catch((e: unknown) => e);
  assert.deepEqual(got, ["first"]);
  assert.ok(err instanceof RpcTimeoutError, String(err));
});

/** A registry holding one method. */
function registryWith(name: string, fn: (...args: never[]) => unknown): MethodRegistry {
  const registry = new MethodRegistry();
  registry.register(name, fn as (...args: unknown[]) => unknown);
  return registry;
}

/** An event whose arguments are the raw octets `args` (any msgpack, or none that is). */
function rawEvent(name: string, args: Buffer, id: Buffer, responseTo?: Buffer): Buffer {
  const header: Record<string, unknown> = { message_id: id, v: 3 };
  if (responseTo !== undefined) header.response_to = responseTo;
  return Buffer.concat([Buffer.from([0x93]), encodeMsgpack(header), encodeMsgpack(name), args]);
}

/** msgpack of an array32 of `n` nils. */
function nils(n: number): Buffer {
  const buf = Buffer.alloc(5 + n, 0xc0);
  buf[0] = 0xdd;
  buf.writeUInt32BE(n, 1);
  return buf;
}

test("zerorpc: a request whose arguments cannot be read is answered ERR ProtocolError; connection and server serve on", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const raw = rawPeerOf(t, server);
  const ask = async (event: Buffer): Promise<zerorpc.ZeroRpcEvent> => {
    await raw.send([Buffer.alloc(0), event]);
    const [, body] = await within(raw.receive(), 5000, "the reply");
    return zerorpc.decodeEvent(body!);
  };
  for (const args of [Buffer.from([0x92, 0x01, 0xc1]), nils(MAX_DECODED_VALUES), Buffer.from([0x92, 0x01])]) {
    const id = zerorpc.newMessageId() as Buffer;
    const reply = await ask(rawEvent("add", args, id));
    assert.deepEqual(reply.responseTo, id);
    assert.equal(reply.name, "ERR");
    assert.equal((reply.args as string[])[0], "ProtocolError");
  }
  const ok = await ask(zerorpc.encodeEvent("add", [20, 22], zerorpc.newMessageId()));
  assert.deepEqual([ok.name, ok.args], ["OK", [42]]);
});

test("zerorpc: heartbeats and credit are told from the event's header and name; a credit's arguments are read no further than [n]", async (t) => {
  const handler = new ZeroRpcHandler(registryWith("count", function* (n: number) {
    for (let i = 0; i < n; i++) yield i;
  }), { heartbeat: 0 });
  const sent: unknown[] = [];
  let wake: (() => void) | undefined;
  const peer = { id: "p", send: async (frames: Buffer[]): Promise<void> => void (sent.push(zerorpc.decodeEvent(frames[0]!).args), wake?.()) };
  const itemsSent = (n: number): Promise<void> => new Promise((resolve) => (wake = () => sent.length >= n && resolve()));
  const id = zerorpc.newMessageId() as Buffer;
  const first = itemsSent(1);
  const done = handler.handle([zerorpc.encodeEvent("count", [10], id)], peer);
  await within(first, 5000, "the first item");
  const on = (name: string, args: Buffer): boolean => handler.control([rawEvent(name, args, zerorpc.newMessageId() as Buffer, id)], peer);
  // Arguments that are not msgpack, or far beyond the value bound: still a heartbeat on this channel.
  assert.equal(on("_zpc_hb", Buffer.from([0xc1])), true);
  assert.equal(on("_zpc_hb", nils(4 * MAX_DECODED_VALUES)), true);
  // Credit whose [n] hides more values gives none; a plain [2] gives two.
  assert.equal(on("_zpc_more", Buffer.concat([Buffer.from([0x92, 0x05]), nils(3)])), true);
  assert.equal(on("_zpc_more", Buffer.from([0x91, 0x02])), true);
  await within(itemsSent(3), 5000, "two more items");
  assert.deepEqual(sent, [0, 1, 2]);
  assert.equal(handler.openChannels, 1);
  assert.equal(on("_zpc_more", Buffer.from([0x91, 0x64])), true);
  const closing = await within(done, 5000, "the end of the stream");
  assert.equal(zerorpc.decodeEvent(closing![0]!).name, "STREAM_DONE");
});

test("zerorpc client: a reply whose arguments cannot be read fails its call with the protocol error, not at the timeout", async (t) => {
  const router = new Router({ linger: 0 });
  t.after(() => router.close());
  await router.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(router.lastEndpoint!, { protocol: "zerorpc", timeout: 60_000 });
  t.after(() => client.close());
  const call = client.call("add", 1, 2);
  const request = await router.receive();
  const { id } = zerorpc.decodeEvent(request[request.length - 1]!);
  await router.send([...request.slice(0, -1), rawEvent("OK", nils(MAX_DECODED_VALUES), zerorpc.newMessageId() as Buffer, id as Buffer)]);
  await assert.rejects(within(call, 5000, "the call"), { name: "RpcProtocolError", reason: "TOO_LARGE" });
});
