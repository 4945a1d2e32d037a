/**
 * What an application sees around the calls: handler failures and refused
 * requests reported to its observers (which cannot break the server), and
 * `NODE_DEBUG=purezmq` tracing of the rare events.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Dealer } from "../../src/index.js";
import { RpcClient, RpcError, RpcServer, luaovermq, type RpcProtocol } from "../../src/rpc/index.js";
import { delay, within } from "./helpers.js";

for (const protocol of ["luaovermq", "manley", "zerorpc"] as RpcProtocol[]) {
  test(`${protocol}: onHandlerError sees each handler failure; a throwing observer changes nothing`, async (t) => {
    const seen: [string, unknown][] = [];
    const server = new RpcServer({
      protocol,
      onHandlerError: (method, error) => {
        seen.push([method, error]);
        throw new Error("the observer's own bug");
      },
    });
    t.after(() => server.close());
    const boom = new RangeError("boom");
    server.register("fail", () => {
      throw boom;
    });
    server.register("later", async () => Promise.reject(new TypeError("later")));
    await server.bind("tcp://127.0.0.1:0");
    const client = new RpcClient(server.endpoint!, { protocol, timeout: 5000 });
    t.after(() => client.close());
    await assert.rejects(client.call("fail"), RpcError);
    await assert.rejects(client.call("later"), RpcError);
    await assert.rejects(client.call("missing"), RpcError);
    assert.deepEqual(seen.map(([m]) => m), ["fail", "later"], "unknown methods are not handler failures");
    assert.equal(seen[0]![1], boom);
    assert.equal(await client.call("rpc.ping"), "pong");
  });
}

test("zerorpc: a stream failing midway is reported with its method", async (t) => {
  const seen: string[] = [];
  const server = new RpcServer({ protocol: "zerorpc", onHandlerError: (method) => seen.push(method) });
  t.after(() => server.close());
  server.register("broken", function* () {
    yield 1;
    throw new Error("midway");
  });
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { protocol: "zerorpc" });
  t.after(() => client.close());
  await assert.rejects(async () => {
    for await (const _ of client.stream("broken"));
  }, /midway/);
  assert.deepEqual(seen, ["broken"]);
});

test("onRefused sees each request refused at a work bound", async (t) => {
  const refused: string[] = [];
  const server = new RpcServer({ maxConcurrency: 1, maxQueuePerClient: 1, onRefused: (client) => refused.push(client) });
  t.after(() => server.close());
  server.register("sleep", () => delay(200));
  await server.bind("tcp://127.0.0.1:0");
  const raw = new Dealer({ linger: 0, routingId: "the-client" });
  t.after(() => raw.close());
  raw.connect(server.endpoint!);
  for (let i = 0; i < 3; i++) await raw.send([Buffer.from([i]), Buffer.alloc(0), luaovermq.encodeRequest("sleep")]);
  const [id, , status] = await within(raw.receive(), 5000, "the refusal");
  assert.deepEqual([id![0], status!.toString()], [2, "ERROR"]);
  assert.deepEqual(refused, ["the-client"]);
});

test("NODE_DEBUG=purezmq traces a timed-out call and the withdrawal of its request", async () => {
  const script = fileURLToPath(new URL("./fixtures/timed-out-call.js", import.meta.url));
  const { stderr } = await promisify(execFile)(process.execPath, [script], {
    env: { ...process.env, NODE_DEBUG: "purezmq" },
  });
  assert.match(stderr, /PUREZMQ \d+: rpc client: add gave up \(call to 'add' timed out after 50 ms\), request withdrawn unsent/);
  assert.match(stderr, /PUREZMQ \d+: rpc client: recreating the socket to inproc:\/\/nobody-/);
});
