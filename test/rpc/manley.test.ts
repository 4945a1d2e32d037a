/**
 * Manley's zerorpc JSON protocol end to end: our server and client in that
 * mode, exact response bytes for a REQ peer, KeyError for unknown functions,
 * exception types propagated, MultiCall in one round trip, kwargs, a
 * MultiCall counted as its calls against the waiting bounds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Request } from "../../src/index.js";
import { Dealer } from "../../src/index.js";
import { BUSY_MESSAGE, RpcClient, RpcError, type RpcServer } from "../../src/rpc/index.js";
import { jsonValue } from "./codec/arbitraries.js";
import { delay, startServer, within } from "./helpers.js";

function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  }
  return value;
}

async function rawJson(server: RpcServer, text: string): Promise<string> {
  const req = new Request({ linger: 0, receiveTimeout: 5000 });
  try {
    req.connect(server.endpoint!);
    await req.send(text);
    const reply = await req.receive();
    assert.equal(reply.length, 1);
    return reply[0]!.toString("utf8");
  } finally {
    req.close();
  }
}

test("a REQ peer gets the exact Manley response bytes", async (t) => {
  const server = await startServer({ protocol: "manley" });
  server.register("kw", (a: number, kwargs: Record<string, number>) => a + kwargs["x"]!);
  t.after(() => server.close());
  assert.equal(await rawJson(server, '[["my.namespace.mult", [5, 7], {}]]'), '[{"success":true,"result":35}]');
  assert.equal(
    await rawJson(server, '[["nope", [], {}]]'),
    '[{"success":false,"error_type":"KeyError","message":"Function \'nope\' not found","traceback":""}]',
  );
  assert.equal(await rawJson(server, '[["kw", [1], {"x": 41}]]'), '[{"success":true,"result":42}]');
  const bad = JSON.parse(await rawJson(server, "[[1, 2")) as Array<Record<string, unknown>>;
  assert.equal(bad.length, 1);
  assert.equal(bad[0]!["success"], false);
  assert.equal(bad[0]!["error_type"], "ProtocolError");
  const thrown = JSON.parse(await rawJson(server, '[["fail", ["deep"], {}]]')) as Array<Record<string, unknown>>;
  assert.equal(thrown[0]!["error_type"], "RangeError");
  assert.equal(thrown[0]!["message"], "deep");
  assert.equal(thrown[0]!["traceback"], "", "no stack by default: it reveals the server's file paths");
});

test("tracebacks: true sends the handler's stack", async (t) => {
  const server = await startServer({ protocol: "manley", tracebacks: true });
  t.after(() => server.close());
  const thrown = JSON.parse(await rawJson(server, '[["fail", ["deep"], {}]]')) as Array<Record<string, unknown>>;
  assert.match(String(thrown[0]!["traceback"]), /RangeError: deep/);
});

test("our client in Manley mode: calls, proxy, errors by type, MultiCall", async (t) => {
  const server = await startServer({ protocol: "manley" });
  const client = new RpcClient(server.endpoint!, { protocol: "manley", timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.call("my.namespace.mult", 5, 7), 35);
  const api = client.proxy<{ my: { namespace: { mult(a: number, b: number): number } } }>();
  assert.equal(await api.my.namespace.mult(6, 7), 42);
  await assert.rejects(client.call("missing"), (err: unknown) => {
    assert.ok(err instanceof RpcError);
    assert.equal(err.remoteName, "KeyError");
    assert.equal(err.remoteMessage, "Function 'missing' not found");
    return true;
  });
  await assert.rejects(client.call("reject"), (err: RpcError) => err.remoteName === "TypeError");
  const multicall = client.batch();
  const m = multicall.proxy<{ my: { namespace: { mult(a: number, b: number): number } } }>();
  m.my.namespace.mult(2, 2);
  m.my.namespace.mult(3, 3);
  multicall.add("fail", "third");
  m.my.namespace.mult(4, 4);
  const results = await multicall.send();
  assert.deepEqual(results.map((r) => (r.ok ? r.value : (r.error as RpcError).remoteName)), [4, 9, "RangeError", 16]);
});

test("Manley mode with correlated envelopes keeps several calls in flight", async (t) => {
  const server = await startServer({ protocol: "manley", jsonStyle: "python" });
  const client = new RpcClient(server.endpoint!, { protocol: "manley", envelope: "correlated", jsonStyle: "python", timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  const started = Date.now();
  const [slow, fast] = await Promise.all([client.call("sleep", 300), client.call("add", 1, 2)]);
  assert.deepEqual([slow, fast], [300, 3]);
  assert.ok(Date.now() - started < 1500);
});

test("random JSON values round-trip in Manley mode", async (t) => {
  const server = await startServer({ protocol: "manley" });
  const client = new RpcClient(server.endpoint!, { protocol: "manley", timeout: 5000 });
  t.after(() => (client.close(), server.close()));
  await fc.assert(
    fc.asyncProperty(jsonValue, async (value) => {
      // The compact (ujson-like) layout writes -0 as 0, as JSON.stringify and ujson do.
      assert.deepEqual(await client.call("echo", value), withoutNegativeZero(value));
    }),
    { numRuns: 100 },
  );
});

test("a MultiCall counts as its calls against the waiting bounds: past them refused at once, one ServerBusy entry per call", async (t) => {
  const server = await startServer({ protocol: "manley", maxConcurrency: 1, maxQueue: 100 });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  server.register("hold", () => gate.then(() => "held"));
  const raw = new Dealer({ linger: 0 });
  t.after(() => (raw.close(), server.close()));
  raw.connect(server.endpoint!);
  const send = (calls: unknown[][]): Promise<void> => raw.send([Buffer.alloc(0), Buffer.from(JSON.stringify(calls))]);
  const reply = async (): Promise<Array<{ success: boolean; error_type?: string; message?: string }>> => {
    const [, body] = await within(raw.receive(), 5000, "a reply");
    return JSON.parse(body!.toString("utf8"));
  };
  await send([["hold", []]]);
  const deadline = Date.now() + 5000;
  while (server.running < 1 && Date.now() < deadline) await delay(5);
  // 60 calls wait, counted as 60: the next 60 would pass maxQueue.
  await send(Array.from({ length: 60 }, () => ["add", [1, 2]]));
  await send(Array.from({ length: 60 }, () => ["add", [3, 4]]));
  const refused = await reply();
  assert.equal(refused.length, 60);
  assert.ok(refused.every((e) => !e.success && e.error_type === "ServerBusy" && e.message === BUSY_MESSAGE));
  assert.equal(server.queued, 60);
  release();
  assert.deepEqual(await reply(), [{ success: true, result: "held" }]);
  const served = await reply();
  assert.equal(served.length, 60);
  assert.ok(served.every((e) => e.success));
});
