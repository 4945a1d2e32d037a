/**
 * The RPC bounds one by one, at their edges: the fair work queue (round
 * robin, per-client and total bounds in requests and octets, gone clients'
 * work dropped), batch length and reply size, the decompressed size of a
 * pyzmqrpc3 command, and the nesting of received msgpack and JSON.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { deflateSync } from "node:zlib";
import { Dealer } from "../../src/index.js";
import { MAX_NESTING_DEPTH, RpcClient, RpcServer, CommandServer, CommandClient, defineCommand, luaovermq, manley, pyzmqrpc } from "../../src/rpc/index.js";
import { checkJsonNesting, checkMsgpackNesting } from "../../src/rpc/codec/nesting.js";
import { WorkLimit, type WorkBounds } from "../../src/rpc/work-limit.js";

const OPEN: WorkBounds = { maxConcurrency: 1, maxQueue: Infinity, maxQueuePerClient: Infinity, maxQueuedBytes: Infinity, maxQueuedBytesPerClient: Infinity };

/** A task that records its start and finishes when told. */
function gated(log: string[], label: string): { task: () => Promise<void>; finish: () => void } {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (log.push(label), done), finish };
}

test("waiting work is started round robin by client", async () => {
  const log: string[] = [];
  const limit = new WorkLimit(OPEN);
  const first = gated(log, "a0");
  assert.ok(limit.tryRun("a", 1, first.task));
  const tasks = ["a1", "a2", "a3", "b1", "c1", "b2"].map((label) => ({ label, g: gated(log, label) }));
  for (const { label, g } of tasks) assert.ok(limit.tryRun(label[0]!, 1, g.task));
  assert.equal(limit.queued, 6);
  first.finish();
  for (let i = 0; i < 6; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    tasks.find((x) => x.label === log[log.length - 1])!.g.finish();
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(log, ["a0", "a1", "b1", "c1", "a2", "b2", "a3"]);
  assert.equal(limit.queued, 0);
  assert.equal(limit.queuedBytes, 0);
});

test("tasks that end at once free their slot at once, and a long line of them drains in a loop, not a recursion", async () => {
  const limit = new WorkLimit({ ...OPEN, maxConcurrency: 2 });
  let ran = 0;
  const sync = (): void => void ran++;
  assert.ok(limit.tryRun("a", 1, sync));
  assert.equal(limit.running, 0, "a task that returned nothing holds no slot");
  const log: string[] = [];
  const slow = gated(log, "slow");
  const slower = gated(log, "slower");
  assert.ok(limit.tryRun("a", 1, slow.task));
  assert.ok(limit.tryRun("b", 1, slower.task));
  // Far more than a stack holds frames, were each start nested in the last one's end.
  const n = 200_000;
  for (let i = 0; i < n; i++) assert.ok(limit.tryRun(`c${i % 7}`, 1, sync));
  assert.equal(limit.queued, n);
  slow.finish();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(ran, n + 1);
  assert.equal(limit.queued, 0);
  assert.equal(limit.running, 1, "the slower task still runs");
  slower.finish();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(limit.running, 0);
});

test("per-client and total bounds, in requests and octets; room of gone clients is reclaimed", () => {
  const present = new Set(["a", "b", "c"]);
  const limit = new WorkLimit({ maxConcurrency: 1, maxQueue: 10, maxQueuePerClient: 2, maxQueuedBytes: 100, maxQueuedBytesPerClient: 60 }, (c) => present.has(c));
  const never = (): Promise<void> => new Promise(() => {});
  assert.ok(limit.tryRun("a", 1000, never), "runs at once whatever its size: it is already in memory");
  assert.ok(limit.tryRun("a", 30, never));
  assert.ok(!limit.tryRun("a", 31, never), "past a's 60 octets");
  assert.ok(limit.tryRun("a", 30, never));
  assert.ok(!limit.tryRun("a", 1, never), "past a's 2 requests");
  assert.ok(limit.tryRun("b", 40, never));
  assert.ok(!limit.tryRun("c", 1, never), "past the 100 octets in total");
  present.delete("a");
  assert.ok(limit.tryRun("c", 1, never), "a is gone: its 60 octets are free again");
  assert.equal(limit.queued, 2);
  assert.equal(limit.queuedBytes, 41);
});

test("a client that disconnects loses its waiting requests; another client is served", async (t) => {
  const server = new RpcServer({ maxConcurrency: 1 });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ran: number[] = [];
  server.register("slow", async (i: number) => {
    ran.push(i);
    await gate;
  });
  server.register("ping", () => "pong");
  await server.bind("tcp://127.0.0.1:0");
  const good = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (good.close(), server.close()));
  const evil = new Dealer({ linger: 0 });
  evil.connect(server.endpoint!);
  for (let i = 0; i < 5; i++) await evil.send(["", luaovermq.encodeRequest("slow", [i])]);
  while (server.queued < 4) await new Promise((resolve) => setTimeout(resolve, 5));
  const gone = new Promise<void>((resolve) => server.socket.events.on("disconnect", () => resolve()));
  evil.close();
  await gone;
  const pong = good.call("ping");
  release();
  assert.equal(await pong, "pong");
  assert.deepEqual(ran, [0], "the queued four were dropped, not run");
  assert.equal(server.queued, 0);
});

test("rpc.multicall: past maxBatchCalls refused whole, past maxBatchReplyBytes cut and index aligned", async (t) => {
  const server = new RpcServer({ maxBatchCalls: 3, maxBatchReplyBytes: 2500 });
  server.register("kib", () => "k".repeat(1000));
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { timeout: 5000 });
  t.after(() => (client.close(), server.close()));
  await assert.rejects(client.call("rpc.multicall", [["kib"], ["kib"], ["kib"], ["kib"]]), /batch of 4 calls refused: at most 3/);
  const entries = (await client.call("rpc.multicall", [["kib"], ["kib"], ["kib"]])) as Array<[boolean, string]>;
  assert.equal(entries.length, 3);
  assert.deepEqual(entries.map((e) => e[0]), [true, true, false]);
  assert.match(entries[2]![1], /result of batch entry 2 dropped: .* 2500 octets/);
  const many = new RpcServer({ maxBatchCalls: 4, maxBatchReplyBytes: 1100 });
  many.register("kib", () => "k".repeat(1000));
  await many.bind("tcp://127.0.0.1:0");
  const c2 = new RpcClient(many.endpoint!, { timeout: 5000 });
  t.after(() => (c2.close(), many.close()));
  const cut = (await c2.call("rpc.multicall", [["kib"], ["kib"], ["kib"], ["kib"]])) as Array<[boolean, string]>;
  assert.deepEqual(cut.map((e) => e[0]), [true, false, false, false]);
  assert.match(cut[3]![1], /batch entry 3 not run/);
});

test("Manley MultiCall: the same bounds, one ProtocolError entry for a batch too long", async (t) => {
  const server = new RpcServer({ protocol: "manley", maxBatchCalls: 2, maxBatchReplyBytes: 1100 });
  server.register("kib", () => "k".repeat(1000));
  await server.bind("tcp://127.0.0.1:0");
  const evil = new Dealer({ linger: 0 });
  evil.connect(server.endpoint!);
  t.after(() => (evil.close(), server.close()));
  await evil.send(["", '[["kib", []], ["kib", []], ["kib", []]]']);
  const refused = manley.decodeResponse((await evil.receive())[1]!);
  assert.equal(refused.length, 1);
  assert.match((refused[0] as manley.ManleyErrorEntry).message, /batch of 3 calls refused/);
  await evil.send(["", '[["kib", []], ["kib", []]]']);
  const cut = manley.decodeResponse((await evil.receive())[1]!);
  assert.deepEqual(cut.map((e) => e.success), [true, false]);
  assert.equal((cut[1] as manley.ManleyErrorEntry).error_type, "BatchReplyTooLarge");
});

const Echo = defineCommand("Echo", { text: "" });

function commandOf(textLength: number): Buffer {
  const json = `{"_icmd_": ["Echo", {"text": "${"a".repeat(textLength)}"}]}`;
  return Buffer.from(deflateSync(Buffer.from(json)).toString("base64"));
}

test("pyzmqrpc3: the decompressed size is bounded by maxCommandBytes, by default maxMessageSize", async (t) => {
  const explicit = new CommandServer({ maxCommandBytes: 1000 });
  const tied = new CommandServer({ socket: { maxMessageSize: 2000 } });
  for (const s of [explicit, tied]) {
    s.registerService(Echo, (c) => c.text);
    await s.bind("tcp://127.0.0.1:0");
  }
  const evil = new Dealer({ linger: 0 });
  evil.connect(explicit.endpoint!);
  evil.connect(tied.endpoint!);
  t.after(() => (evil.close(), explicit.close(), tied.close()));
  const client = new CommandClient(explicit.endpoint!, { timeout: 5000 });
  t.after(() => client.close());
  assert.equal(await client.execute(new Echo({ text: "a".repeat(900) })), "a".repeat(900));
  const answers = async (endpoint: string, textLength: number): Promise<number> => {
    const d = new Dealer({ linger: 0 });
    d.connect(endpoint);
    try {
      await d.send(["", commandOf(textLength)]);
      return pyzmqrpc.decodeResponse((await d.receive())[1]!).statusCode;
    } finally {
      d.close();
    }
  };
  assert.equal(await answers(explicit.endpoint!, 1000), 400);
  assert.equal(await answers(tied.endpoint!, 1990), 400);
  assert.equal(await answers(tied.endpoint!, 1500), 200);
});

test("nesting of received msgpack and JSON: at the bound accepted, past it refused before decoding", () => {
  const d = MAX_NESTING_DEPTH;
  const nested = (n: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = [v, "pad"];
    return v;
  };
  const ok = luaovermq.encodeValue(nested(d - 1));
  assert.deepEqual(luaovermq.decodeValue(ok), nested(d - 1));
  const deep = Buffer.concat([Buffer.alloc(d + 1, 0x91), Buffer.from([0xc0])]);
  assert.throws(() => luaovermq.decodeValue(deep), /nested deeper than 100 levels/);
  assert.throws(() => checkMsgpackNesting(Buffer.concat([Buffer.from([0xdd, 0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(200)])), /announces 2147483647 elements/);
  checkMsgpackNesting(luaovermq.encodeValue({ s: "[".repeat(500), list: Array.from({ length: 300 }, (_, i) => i) }));
  checkJsonNesting(`${"[".repeat(d)}${"]".repeat(d)}`);
  checkJsonNesting(`["${"[".repeat(500)}", "\\"[[["]`);
  assert.throws(() => checkJsonNesting(`${"[".repeat(d + 1)}${"]".repeat(d + 1)}`), /nested deeper than 100/);
  assert.throws(() => manley.decodeRequest(Buffer.from(`[["f", ${"[".repeat(10_000)}${"]".repeat(10_000)}]]`)), /nested deeper/);
});
