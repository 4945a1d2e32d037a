/**
 * `client.events`: listeners that follow the client's socket when it is
 * replaced (after timeouts, or after a refusal), where listeners on
 * `client.socket.events` end with the socket they were added to.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Router } from "../../src/index.js";
import { RpcClient } from "../../src/rpc/index.js";
import { startServer } from "./helpers.js";

test("after a timeout recreates the socket, client.events still hears it connect; the old socket's listener does not", async (t) => {
  // A server that reads requests and never answers.
  const silent = new Router({ linger: 0 });
  await silent.bind("tcp://127.0.0.1:0");
  void (async () => {
    for await (const _ of silent);
  })();
  const client = new RpcClient(silent.lastEndpoint!, { timeout: 100, recreateAfterTimeouts: 1 });
  t.after(() => (client.close(), silent.close()));
  let followed = 0;
  let first = 0;
  let secondConnect!: () => void;
  const connectedAgain = new Promise<void>((resolve) => (secondConnect = resolve));
  client.events.on("connect", () => {
    if (++followed === 2) secondConnect();
  });
  client.socket.events.on("connect", () => first++);
  const firstSocket = client.socket;
  await assert.rejects(client.call("add", 1, 2), (err: Error & { code?: string }) => err.code === "ETIMEDOUT");
  assert.equal(client.recreations, 1);
  assert.notEqual(client.socket, firstSocket);
  await connectedAgain;
  assert.equal(first, 1, "the first socket's own listener heard only its connection");
  assert.equal(followed, 2, "client.events heard both sockets connect");
});

test("off() stops a listener on the current and later sockets", async (t) => {
  const server = await startServer();
  const client = new RpcClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  let heard = 0;
  const listener = (): void => void heard++;
  client.events.on("connect", listener);
  client.events.on("connect", listener); // once only, as with an Observer
  assert.equal(await client.call("add", 1, 2), 3);
  assert.equal(heard, 1);
  client.events.off("connect", listener);
  client.socket.disconnect(server.endpoint!);
  client.socket.connect(server.endpoint!);
  assert.equal(await client.call("add", 2, 2), 4);
  assert.equal(heard, 1);
});

test("zerorpc: every refusal is heard on client.events, each on a new socket", async (t) => {
  const server = await startServer({ protocol: "zerorpc", plain: { users: { ann: "right" } } });
  const client = new RpcClient(server.endpoint!, { protocol: "zerorpc", timeout: 5000, plain: { username: "ann", password: "wrong" } });
  t.after(() => (client.close(), server.close()));
  const refusals: number[] = [];
  client.events.on("handshake:error:auth", (e) => refusals.push(e.error.status ?? 0));
  await assert.rejects(client.call("add", 1, 1), (err: Error & { code?: string }) => err.code === "EACCES");
  const first = client.socket;
  await assert.rejects(client.call("add", 1, 1), (err: Error & { code?: string }) => err.code === "EACCES");
  assert.notEqual(client.socket, first);
  assert.deepEqual(refusals, [400, 400]);
});
