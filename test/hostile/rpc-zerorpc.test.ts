/**
 * dotcloud zerorpc facing hostile peers: unreadable events, bombs of
 * nesting and size, floods of calls beyond the work bounds, a server
 * streaming beyond its credit. Each gets a bounded answer (or none) and
 * the server or client goes on serving.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Router } from "../../src/index.js";
import { DEFAULT_MAX_EVENT_BYTES, RpcClient, RpcProtocolError, zerorpc } from "../../src/rpc/index.js";
import { within } from "../rpc/helpers.js";
import { clientOf, goldenServer, rawPeerOf } from "../rpc/zerorpc/helpers.js";

const EMPTY = Buffer.alloc(0);

test("zerorpc server: unreadable and misshapen events are dropped, the connection serves on", async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const raw = rawPeerOf(t, server);
  const nested = Buffer.concat([Buffer.alloc(100_000, 0x91), Buffer.from([0xc0])]);
  for (const bad of [Buffer.from([0xc1]), Buffer.from([0x93, 0x80, 0xa1, 0x78]), Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), nested, zerorpc.encodeEvent("add", [1], "x").subarray(0, 10)]) {
    await raw.send([EMPTY, bad]);
  }
  // Arguments that are not an array: an ERR on that channel.
  const id = zerorpc.newMessageId();
  await raw.send([EMPTY, zerorpc.encodeEvent("add", { a: 1 }, id)]);
  const [, reply] = await within(raw.receive(), 5000, "the ERR");
  const err = zerorpc.decodeEvent(reply!);
  assert.deepEqual([err.name, (err.args as unknown[])[0]], ["ERR", "ProtocolError"]);
  assert.deepEqual(err.responseTo, id);
  assert.equal(await clientOf(t, server).call("add", 2, 2), 4);
});

test("zerorpc server: calls beyond the work bounds get ServerBusy at once", async (t) => {
  const server = await goldenServer({ maxConcurrency: 1, maxQueuePerClient: 1 });
  t.after(() => server.close());
  const raw = rawPeerOf(t, server);
  const ids = [0, 1, 2].map(() => zerorpc.newMessageId());
  for (const id of ids) await raw.send([EMPTY, zerorpc.encodeEvent("slow", [200], id)]);
  const [, first] = await within(raw.receive(), 5000, "the refusal");
  const busy = zerorpc.decodeEvent(first!);
  assert.deepEqual(busy.responseTo, ids[2]);
  assert.deepEqual([busy.name, (busy.args as unknown[])[0]], ["ERR", "ServerBusy"]);
});

test(`zerorpc: an event over ${DEFAULT_MAX_EVENT_BYTES} octets ends that connection only`, async (t) => {
  const server = await goldenServer();
  t.after(() => server.close());
  const raw = rawPeerOf(t, server);
  const gone = new Promise<void>((resolve) => raw.events.on("disconnect", () => resolve()));
  await raw.send([EMPTY, zerorpc.encodeEvent("add", [Buffer.alloc(DEFAULT_MAX_EVENT_BYTES), 1], zerorpc.newMessageId())]);
  await within(gone, 10_000, "the server dropping the connection");
  assert.equal(await clientOf(t, server).call("add", 3, 4), 7);
});

test("zerorpc client: a server streaming beyond its credit fails the stream, not the client", async (t) => {
  const router = new Router({ linger: 0 });
  t.after(() => router.close());
  await router.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(router.lastEndpoint!, { protocol: "zerorpc", heartbeat: 0, streamBuffer: 4 });
  t.after(() => client.close());
  const it = client.stream("flood")[Symbol.asyncIterator]();
  const first = it.next();
  const [who, , request] = await within(router.receive(), 5000, "the request");
  const id = zerorpc.decodeEvent(request!).id;
  const send = (i: number) => router.send([who!, EMPTY, zerorpc.encodeEvent("STREAM", i, zerorpc.newMessageId(), id)]);
  // One item is allowed before any credit; reading it gives a credit of 4.
  await send(0);
  assert.deepEqual(await first, { value: 0, done: false });
  const [, , more] = await within(router.receive(), 5000, "the credit");
  assert.deepEqual(zerorpc.decodeEvent(more!).args, [4]);
  for (let i = 1; i <= 50; i++) await send(i);
  const got: unknown[] = [];
  const err = await within((async () => {
    for (;;) got.push((await it.next()).value);
  })().catch((e: unknown) => e), 5000, "the stream failing");
  assert.ok(err instanceof RpcProtocolError, String(err));
  assert.equal(err.reason, "TOO_LARGE");
  // The credited items are read (credit grows as they are), then the failure: far from the 50 sent.
  assert.ok(got.length >= 4 && got.length < 10, `read ${got.length} items`);
  assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => i + 1));
  assert.equal(client.pending, 0);
});
