/**
 * pyzmqrpc3's PUB/SUB proxies end to end, a client on one side and a server
 * on the other: SUB->REQ, SUB->PUB and REP->PUB, over tcp and inproc. The
 * REP frontend acknowledges at once (200, no result); downstream results
 * are discarded. Also PLAIN on the proxy's PUB side.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandClient, CommandPublisher, ProxyRep2Pub, ProxySub2Pub, ProxySub2Req } from "../../src/rpc/index.js";
import { inprocEndpoint } from "./helpers.js";
import { Add, Probe, probeServers, recordingServer } from "./command-pubsub-helpers.js";
import { eventually, probeUntil } from "./pubsub-helpers.js";

const TRANSPORTS = ["tcp", "inproc"] as const;
const address = (transport: (typeof TRANSPORTS)[number]): string => (transport === "tcp" ? "tcp://127.0.0.1:0" : inprocEndpoint());

for (const transport of TRANSPORTS) {
  test(`SUB->REQ proxy: published commands reach a request server (${transport})`, async (t) => {
    const pub = new CommandPublisher();
    const rec = recordingServer();
    t.after(() => (rec.server.close(), pub.close()));
    await pub.bind(address(transport));
    await rec.server.bind(address(transport));
    const proxy = new ProxySub2Req(pub.endpoint!, rec.server.endpoint!, { downstream: { timeout: 2000 } });
    t.after(() => proxy.close());
    await probeServers((p) => pub.execute(p), rec);
    for (let i = 1; i <= 10; i++) await pub.execute(new Add({ a: i, b: i }));
    await eventually(() => rec.sums.length === 10, "10 forwarded commands");
    assert.deepEqual(rec.sums, Array.from({ length: 10 }, (_, i) => 2 * (i + 1)));
    assert.equal(proxy.received, rec.probes.length + 10);
    assert.equal(proxy.dropped, 0);
  });

  test(`SUB->PUB proxy: commands published again reach a subscribing server (${transport})`, async (t) => {
    const pub = new CommandPublisher();
    const rec = recordingServer();
    t.after(() => (rec.server.close(), pub.close()));
    await pub.bind(address(transport));
    const proxy = new ProxySub2Pub(pub.endpoint!);
    t.after(() => proxy.close());
    await proxy.bind(address(transport));
    assert.equal(proxy.endpoint, proxy.publisher.endpoint);
    rec.server.subscribe(proxy.endpoint!);
    await probeServers((p) => pub.execute(p), rec);
    for (let i = 1; i <= 10; i++) await pub.execute(new Add({ a: i, b: 0 }));
    await eventually(() => rec.sums.length === 10, "10 relayed commands");
    assert.deepEqual(rec.sums, Array.from({ length: 10 }, (_, i) => i + 1));
  });

  test(`REP->PUB proxy: acknowledged at once, run by a subscribing server (${transport})`, async (t) => {
    const proxy = new ProxyRep2Pub();
    const rec = recordingServer();
    t.after(() => (rec.server.close(), proxy.close()));
    await proxy.bind(address(transport));
    await proxy.publisher.bind(address(transport));
    rec.server.subscribe(proxy.publisher.endpoint!);
    const client = new CommandClient(proxy.endpoint!, { timeout: 2000 });
    t.after(() => client.close());
    await probeServers((p) => client.execute(p), rec);
    // 200 with no result, although the service returns the sum.
    for (let i = 1; i <= 10; i++) assert.equal(await client.execute(new Add({ a: i, b: 100 })), undefined);
    await eventually(() => rec.sums.length === 10, "10 published commands");
    assert.deepEqual(rec.sums, Array.from({ length: 10 }, (_, i) => i + 101));
  });
}

test("REP->PUB acknowledges even with no subscriber (the command is dropped, as over any PUB)", async (t) => {
  const proxy = new ProxyRep2Pub();
  t.after(() => proxy.close());
  await proxy.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(proxy.endpoint!, { timeout: 2000 });
  t.after(() => client.close());
  assert.equal(await client.execute(new Probe({ tag: "nobody" })), undefined);
});

test("a chain SUB->PUB->SUB->REQ with PLAIN on the relay's PUB side", async (t) => {
  const origin = new CommandPublisher();
  const rec = recordingServer();
  t.after(() => (rec.server.close(), origin.close()));
  await origin.bind("tcp://127.0.0.1:0");
  await rec.server.bind("tcp://127.0.0.1:0");
  const relay = new ProxySub2Pub(origin.endpoint!, { publisher: { plain: { users: { relay: "pw" } } } });
  t.after(() => relay.close());
  await relay.bind("tcp://127.0.0.1:0");
  const last = new ProxySub2Req(relay.endpoint!, rec.server.endpoint!, { plain: { username: "relay", password: "pw" } });
  t.after(() => last.close());
  await probeServers((p) => origin.execute(p), rec);
  await origin.execute(new Add({ a: 30, b: 12 }));
  await eventually(() => rec.sums.length === 1, "the command through the chain");
  assert.deepEqual(rec.sums, [42]);
});

test("SUB->REQ proxy subscribes to several publishers", async (t) => {
  const first = new CommandPublisher();
  const second = new CommandPublisher();
  const rec = recordingServer();
  t.after(() => (rec.server.close(), first.close(), second.close()));
  await first.bind("tcp://127.0.0.1:0");
  await second.bind(inprocEndpoint());
  await rec.server.bind("tcp://127.0.0.1:0");
  const proxy = new ProxySub2Req([first.endpoint!, second.endpoint!], rec.server.endpoint!);
  t.after(() => proxy.close());
  await probeServers((p) => first.execute(p), rec);
  rec.probes.length = 0;
  await probeServers((p) => second.execute(p), rec);
  await first.execute(new Add({ a: 1, b: 0 }));
  await second.execute(new Add({ a: 2, b: 0 }));
  await eventually(() => rec.sums.length === 2, "a command from each publisher");
  assert.deepEqual([...rec.sums].sort(), [1, 2]);
});

test("SUB->REQ proxy drops (and counts) what its downstream cannot take", async (t) => {
  const pub = new CommandPublisher();
  t.after(() => pub.close());
  await pub.bind("tcp://127.0.0.1:0");
  // Nobody listens downstream: the first command stays in flight, the bound is one.
  const proxy = new ProxySub2Req(pub.endpoint!, inprocEndpoint(), { downstream: { maxPending: 1, timeout: 10_000 } });
  t.after(() => proxy.close());
  await probeUntil(() => pub.execute(new Probe({ tag: "p" })), () => proxy.received > 0, "the proxy's subscription");
  for (let i = 0; i < 3; i++) await pub.execute(new Add({ a: i, b: 0 }));
  await eventually(() => proxy.received >= 4, "the commands at the proxy");
  assert.equal(proxy.dropped, proxy.received - 1);
});
