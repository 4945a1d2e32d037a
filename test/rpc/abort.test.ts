/**
 * AbortSignal on calls: an aborted call rejects at once with the signal's
 * reason, in every protocol and for commands; one aborted before its
 * request was written is withdrawn and never runs; the client goes on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandClient, CommandServer, RpcClient, RpcServer, defineCommand, type RpcProtocol } from "../../src/rpc/index.js";
import { delay, inprocEndpoint, within } from "./helpers.js";

const isAbort = (e: unknown): boolean => e instanceof Error && e.name === "AbortError";

for (const protocol of ["luaovermq", "manley", "zerorpc"] as RpcProtocol[]) {
  test(`${protocol}: an aborted call rejects at once; an unsent one never runs`, async (t) => {
    const endpoint = inprocEndpoint();
    const client = new RpcClient(endpoint, { protocol, timeout: 10_000 });
    t.after(() => client.close());
    // Before any server: the request waits for a connection, then is aborted.
    const early = new AbortController();
    const withdrawn = client.invoke("record", ["withdrawn"], { signal: early.signal });
    const queued = client.call("record", "queued");
    early.abort();
    await assert.rejects(withdrawn, isAbort);
    await assert.rejects(client.invoke("record", ["never"], { signal: AbortSignal.abort() }), isAbort);
    const ran: string[] = [];
    const server = new RpcServer({ protocol });
    t.after(() => server.close());
    server.register("record", (what: string) => (ran.push(what), ran.length));
    server.register("hang", () => delay(5000));
    await server.bind(endpoint);
    assert.equal(await within(queued, 6000, "the call queued before"), 1);
    // In flight: aborting does not wait for the slow handler.
    const late = new AbortController();
    const hanging = client.invoke("hang", [], { signal: late.signal });
    setImmediate(() => late.abort(new Error("changed my mind")));
    await assert.rejects(within(hanging, 2000, "the abort"), /changed my mind/);
    assert.equal(await client.call("record", "after"), 2);
    assert.deepEqual(ran, ["queued", "after"], "the aborted calls never ran");
  });
}

test("zerorpc: aborting a stream ends its iteration with the reason", async (t) => {
  const server = new RpcServer({ protocol: "zerorpc" });
  t.after(() => server.close());
  server.register("forever", function* () {
    for (let i = 0; ; i++) yield i;
  });
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { protocol: "zerorpc" });
  t.after(() => client.close());
  const controller = new AbortController();
  const got: unknown[] = [];
  const err = await (async () => {
    for await (const item of client.streamWith("forever", [], { signal: controller.signal })) {
      got.push(item);
      if (got.length === 3) controller.abort();
    }
  })().catch((e: unknown) => e);
  assert.ok(isAbort(err), String(err));
  assert.deepEqual(got.slice(0, 3), [0, 1, 2]);
  assert.equal(client.pending, 0);
});

test("CommandClient: an aborted command rejects with the reason", async (t) => {
  const Wait = defineCommand("Wait", { ms: 0 });
  const server = new CommandServer();
  t.after(() => server.close());
  server.registerService(Wait, async (cmd) => {
    await delay(cmd.ms);
    return cmd.ms;
  });
  await server.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(server.endpoint!, { timeout: 10_000 });
  t.after(() => client.close());
  const controller = new AbortController();
  const waiting = client.execute(new Wait({ ms: 3000 }), { signal: controller.signal });
  controller.abort();
  await assert.rejects(within(waiting, 2000, "the abort"), isAbort);
  assert.equal(await client.execute(new Wait({ ms: 1 })), 1);
});
