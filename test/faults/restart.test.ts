/**
 * A server restarted while clients wait: an RpcClient's call made while the
 * server is down is answered after the restart; DEALER and PUSH messages
 * queued during the outage are delivered, in order, to the new server; a
 * SUB's subscriptions are sent again to the new publisher. The new server
 * binds the port the first one got from the OS.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dealer, Publisher, Pull, Push, Router, Subscriber, type Socket } from "../../src/index.js";
import { RpcClient } from "../../src/rpc/index.js";
import { startServer, within } from "../rpc/helpers.js";
import { next, untilSubscribed } from "../zmtp/pubsub/helpers.js";
import { nextEvent, track } from "../zmtp/sockets/helpers.js";

/** Closes `server` once `client` has seen the disconnect, so nothing is in flight. */
async function stop(server: { close(): void }, client: Socket): Promise<void> {
  const gone = nextEvent(client, "disconnect");
  server.close();
  await gone;
}

test("RpcClient: a call made while the server is down is answered once it is back", async (t) => {
  const first = await startServer();
  const endpoint = first.endpoint!;
  const client = new RpcClient(endpoint, { timeout: 10_000 });
  t.after(() => client.close());
  assert.equal(await client.call("add", 1, 2), 3);
  await stop(first, client.socket);
  const waiting = client.call("add", 20, 22); // no live peer: waits in the outbox
  const second = await startServer({}, endpoint);
  t.after(() => second.close());
  assert.equal(await within(waiting, 8000, "the call after the restart"), 42);
  assert.equal(await client.call("echo", "again"), "again");
});

test("RpcClient: an idempotent call lost with a dying server is resent and answered after the restart", async (t) => {
  const first = await startServer();
  const endpoint = first.endpoint!;
  const client = new RpcClient(endpoint, { timeout: 400, retries: 20 });
  t.after(() => client.close());
  assert.equal(await client.call("add", 1, 2), 3);
  // The request reaches the server, which dies before answering.
  let reached!: () => void;
  const atServer = new Promise<void>((resolve) => (reached = resolve));
  first.register("hang", () => {
    reached();
    return new Promise(() => undefined);
  });
  const waiting = client.invoke("hang", [], { idempotent: true });
  await within(atServer, 5000, "the request at the first server");
  first.close();
  const second = await startServer({}, endpoint);
  t.after(() => second.close());
  second.register("hang", () => "answered by the second server");
  assert.equal(await within(waiting, 9000, "the resent call"), "answered by the second server");
});

for (const kind of ["DEALER", "PUSH"] as const) {
  test(`${kind}: messages queued while the server is down reach the restarted server in order`, async (t) => {
    const makeServer = () => (kind === "DEALER" ? new Router({ receiveTimeout: 5000 }) : new Pull({ receiveTimeout: 5000 }));
    const first = makeServer();
    await first.bind("tcp://127.0.0.1:0");
    const endpoint = first.lastEndpoint!;
    const [client] = track(t, kind === "DEALER" ? new Dealer() : new Push());
    const up = nextEvent(client, "handshake");
    client.connect(endpoint);
    await up;
    await stop(first, client);
    for (let i = 0; i < 50; i++) await client.send(`m${i}`);
    const second = makeServer();
    track(t, second);
    await second.bind(endpoint);
    for (let i = 0; i < 50; i++) {
      const msg = await second.receive();
      assert.equal(msg[msg.length - 1]!.toString(), `m${i}`);
    }
  });
}

test("SUB: subscriptions are restored on the restarted publisher", async (t) => {
  const first = new Publisher();
  await first.bind("tcp://127.0.0.1:0");
  const endpoint = first.lastEndpoint!;
  const [sub] = track(t, new Subscriber({ receiveTimeout: 5000 }));
  sub.subscribe("wanted");
  sub.connect(endpoint);
  await untilSubscribed(first, sub, "wanted");
  await stop(first, sub);
  const [second] = track(t, new Publisher());
  await second.bind(endpoint);
  await untilSubscribed(second, sub, "wanted");
  await second.send(["other", "no"]);
  await second.send(["wanted", "yes"]);
  assert.deepEqual(await next(sub), ["wanted", "yes"]);
});
