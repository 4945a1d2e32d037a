/**
 * At most once: a call that times out before its request was written to any
 * connection (no server up yet) is withdrawn and never runs when a server
 * comes up later, in every protocol and for pyzmqrpc3 commands. The later
 * call on the same client proves the connection works and that nothing
 * arrived before it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandClient, CommandServer, RpcClient, RpcServer, RpcTimeoutError, defineCommand, type RpcProtocol } from "../../src/rpc/index.js";
import { inprocEndpoint, within } from "./helpers.js";

for (const protocol of ["luaovermq", "manley", "zerorpc"] as RpcProtocol[]) {
  test(`${protocol}: a call that timed out unsent is never run later`, async (t) => {
    const endpoint = inprocEndpoint();
    const client = new RpcClient(endpoint, { protocol, timeout: 100 });
    t.after(() => client.close());
    await assert.rejects(client.call("record", "withdrawn"), RpcTimeoutError);
    const ran: string[] = [];
    const server = new RpcServer({ protocol });
    t.after(() => server.close());
    server.register("record", (what: string) => (ran.push(what), ran.length));
    await server.bind(endpoint);
    assert.equal(await within(client.invoke("record", ["later"], { timeout: 5000 }), 6000, "the later call"), 1);
    assert.deepEqual(ran, ["later"]);
  });
}

test("CommandClient: a command that timed out unsent is never executed later", async (t) => {
  const Note = defineCommand("Note", { text: "" });
  const endpoint = inprocEndpoint();
  const client = new CommandClient(endpoint, { timeout: 100 });
  t.after(() => client.close());
  await assert.rejects(client.execute(new Note({ text: "withdrawn" })), RpcTimeoutError);
  const ran: string[] = [];
  const server = new CommandServer();
  t.after(() => server.close());
  server.registerService(Note, (cmd) => (ran.push(cmd.text), ran.length));
  await server.bind(endpoint);
  assert.equal(await within(client.execute(new Note({ text: "later" }), { timeout: 5000 }), 6000, "the later command"), 1);
  assert.deepEqual(ran, ["later"]);
});

test("an idempotent call that timed out unsent is sent again on its retry", async (t) => {
  const endpoint = inprocEndpoint();
  const client = new RpcClient(endpoint, { timeout: 100 });
  t.after(() => client.close());
  const ran: string[] = [];
  const server = new RpcServer();
  t.after(() => server.close());
  server.register("record", (what: string) => (ran.push(what), ran.length));
  const call = client.invoke("record", ["again"], { idempotent: true, retries: 50 });
  await assert.rejects(client.call("record", "once"), RpcTimeoutError);
  await server.bind(endpoint);
  assert.equal(await within(call, 6000, "the retried call"), 1);
  assert.deepEqual(ran, ["again"]);
});
