/**
 * RpcServer passes `idleTimeout` to its socket: a client connection that
 * finished its handshake and then says nothing is closed; a client that
 * calls is served.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RpcClient, RpcServer } from "../../src/rpc/index.js";
import { RawPeer } from "../zmtp/raw/raw-peer.js";
import { nextEvent } from "../zmtp/sockets/helpers.js";

test("RpcServer idleTimeout closes a silent client connection and still serves callers", async (t) => {
  const server = new RpcServer({ idleTimeout: 150 });
  t.after(() => server.close());
  server.register("add", (a: number, b: number) => a + b);
  await server.bind("tcp://127.0.0.1:0");
  assert.equal(server.socket.idleTimeout, 150);
  const silent = await RawPeer.connect(server.socket.lastEndpoint!);
  t.after(() => silent.destroy());
  const dropped = nextEvent(server.socket, "disconnect");
  await silent.handshake("DEALER");
  assert.equal((await dropped).error?.code, "ETIMEDOUT");
  await silent.waitClosed();
  const client = new RpcClient(server.socket.lastEndpoint!, { timeout: 3000 });
  t.after(() => client.close());
  assert.equal(await client.call("add", 2, 3), 5);
});
