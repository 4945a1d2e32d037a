/**
 * PLAIN credentials on RPC servers and clients: the right password works,
 * a wrong one fails every call at once with EACCES (the seed systems let the
 * client time out instead), and the client works again with a new one.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandClient, CommandServer, RpcClient, defineCommand } from "../../src/rpc/index.js";
import { startServer, within } from "./helpers.js";

test("RpcServer with PLAIN users: right credentials work, wrong ones fail fast with EACCES", async (t) => {
  const server = await startServer({ plain: { users: { admin: "secret" } } });
  const good = new RpcClient(server.endpoint!, { timeout: 3000, plain: { username: "admin", password: "secret" } });
  const bad = new RpcClient(server.endpoint!, { timeout: 10000, plain: { username: "admin", password: "wrong" } });
  t.after(() => (good.close(), bad.close(), server.close()));
  assert.equal(await good.call("add", 1, 2), 3);
  const started = Date.now();
  await within(
    assert.rejects(Promise.all([bad.call("add", 1, 2), bad.call("add", 3, 4)]), (err: Error & { code?: string }) => err.code === "EACCES"),
    5000,
    "refused call",
  );
  assert.ok(Date.now() - started < 5000, "failed before the 10 s timeout");
  assert.equal(bad.pending, 0);
  // The next call dials again (and is refused again, not stuck).
  await within(assert.rejects(bad.call("add", 1, 1), (err: Error & { code?: string }) => err.code === "EACCES"), 5000, "second refusal");
  assert.equal(await good.call("my.namespace.mult", 6, 7), 42);
});

test("RpcServer with a custom authenticator", async (t) => {
  const seen: string[] = [];
  const server = await startServer({
    plain: {
      authenticator: (req) => {
        seen.push(req.username);
        return req.password === `${req.username}-pw`;
      },
    },
  });
  const client = new RpcClient(server.endpoint!, { timeout: 3000, plain: { username: "ann", password: "ann-pw" } });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.call("add", 2, 2), 4);
  assert.deepEqual(seen, ["ann"]);
});

const Ping = defineCommand("Ping", { n: 0 });

test("CommandServer and CommandClient with PLAIN (pyzmqrpc3 user/password)", async (t) => {
  const server = new CommandServer({ plain: { username: "user", password: "pass" } });
  server.registerService(Ping, (cmd) => cmd.n + 1);
  await server.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(server.endpoint!, { timeout: 3000, plain: { username: "user", password: "pass" } });
  const intruder = new CommandClient(server.endpoint!, { timeout: 10000, plain: { username: "user", password: "nope" } });
  t.after(() => (client.close(), intruder.close(), server.close()));
  assert.equal(await client.execute(new Ping({ n: 41 })), 42);
  await within(assert.rejects(intruder.execute(new Ping()), (err: Error & { code?: string }) => err.code === "EACCES"), 5000, "refused");
});
