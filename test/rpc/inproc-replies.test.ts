/**
 * Over inproc a reply can come back before the client's send has settled:
 * the request crosses, is served and answered within the same turn of
 * microtasks. Such a reply belongs to the call being sent, not to a call
 * "never sent"; taking it for a late one left the call to time out (after
 * a few hundred calls of a bare RequestChannel, 65,981 of an RpcClient).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Router } from "../../src/index.js";
import { RpcClient, RpcServer, type RpcProtocol } from "../../src/rpc/index.js";
import { RequestChannel } from "../../src/rpc/request-channel.js";

const name = (what: string) => `inproc://${what}-${randomBytes(6).toString("hex")}`;

for (const envelope of ["correlated", "req"] as const) {
  test(`a RequestChannel (${envelope}) gets every reply from an inproc ROUTER answering at once`, async (t) => {
    const where = name("channel");
    const router = new Router();
    t.after(() => router.close());
    await router.bind(where);
    void (async () => {
      for await (const msg of router) await router.send(msg);
    })().catch(() => {});
    const channel = new RequestChannel(where, { envelope });
    t.after(() => channel.close());
    for (let i = 0; i < 5_000; i++) {
      const [reply] = await channel.request([Buffer.from(String(i))], 2_000, "echo");
      assert.equal(String(reply), String(i));
    }
  });
}

for (const protocol of ["luaovermq", "manley", "zerorpc"] as RpcProtocol[]) {
  test(`RpcClient and RpcServer (${protocol}) over inproc: 100,000 sequential calls, every one answered`, async (t) => {
    const server = new RpcServer({ protocol });
    server.register("add", (a: number, b: number) => a + b);
    t.after(() => server.close());
    await server.bind(name(protocol));
    const client = new RpcClient(server.endpoint!, { protocol, timeout: 2_000 });
    t.after(() => client.close());
    for (let i = 0; i < 100_000; i++) assert.equal(await client.call("add", i, 1), i + 1);
  });
}
