/**
 * Endpoints and connection life: lastEndpoint for wildcards, IPv6
 * loopback, `ipc://*`, connect before bind, messages queued before a peer
 * exists, `immediate`, reconnecting to a re-bound port, unbind/disconnect,
 * and the events each step reports.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Dealer, Router } from "../../../src/index.js";
import type { AnyEvent } from "../../support/sockets.js";
import { bindAddress, bindResolved, events, freePort, nextEvent, texts, track, watch } from "./helpers.js";

test("lastEndpoint tells the real port for tcp port 0 and *", async (t) => {
  const [a, b] = track(t, new Dealer(), new Dealer());
  await a.bind("tcp://127.0.0.1:0");
  assert.match(a.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/);
  await b.bind("tcp://127.0.0.1:*");
  assert.match(b.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/);
  assert.notEqual(a.lastEndpoint, b.lastEndpoint);
});

test("bind to tcp://*:0 listens on every IPv4 interface and is reachable on loopback", async (t) => {
  const [server, client] = track(t, new Dealer(), new Dealer());
  await server.bind("tcp://*:0");
  const m = /^tcp:\/\/0\.0\.0\.0:(\d+)$/.exec(server.lastEndpoint!);
  assert.ok(m, `lastEndpoint ${server.lastEndpoint}`);
  client.connect(`tcp://127.0.0.1:${m[1]}`);
  await client.send("over *");
  assert.deepEqual(texts(await server.receive()), ["over *"]);
});

test("with ipv6, bind to tcp://[::1]:0 (IPv6 loopback) and connect to it", async (t) => {
  const [server, client] = track(t, new Dealer({ ipv6: true }), new Dealer({ ipv6: true }));
  await server.bind("tcp://[::1]:0");
  assert.match(server.lastEndpoint!, /^tcp:\/\/\[::1\]:[1-9]\d*$/);
  client.connect(server.lastEndpoint!);
  await client.send("over IPv6");
  assert.deepEqual(texts(await server.receive()), ["over IPv6"]);
});

test("ipc://* binds a fresh socket file, removed at close", async (t) => {
  const [server, client] = track(t, new Dealer(), new Dealer());
  await server.bind("ipc://*");
  const m = /^ipc:\/\/(\/.+)$/.exec(server.lastEndpoint!);
  assert.ok(m, `lastEndpoint ${server.lastEndpoint}`);
  assert.ok(existsSync(m[1]!), "the socket file exists");
  client.connect(server.lastEndpoint!);
  await client.send("over ipc");
  assert.deepEqual(texts(await server.receive()), ["over ipc"]);
  server.close();
  assert.equal(existsSync(m[1]!), false, "the socket file is gone");
});

test("binding an address in use fails with EADDRINUSE and a bind:error event", async (t) => {
  const [a, b] = track(t, new Dealer(), new Dealer());
  const address = await bindResolved(a, "tcp://127.0.0.1:0");
  const reported = nextEvent(b, "bind:error");
  await assert.rejects(b.bind(address), { code: "EADDRINUSE" });
  assert.equal((await reported).address, address.replace("tcp://", ""), "named without its transport, as libzmq does");
  const name = bindAddress("inproc");
  await a.bind(name);
  await assert.rejects(b.bind(name), { code: "EADDRINUSE" });
});

test("tcp: connect before bind retries, and messages sent meanwhile arrive once the binder appears", async (t) => {
  const port = await freePort();
  const address = `tcp://127.0.0.1:${port}`;
  const [client, server] = track(t, new Dealer({ reconnectInterval: 20 }), new Dealer());
  const retry = nextEvent(client, "connect:retry");
  client.connect(address);
  await client.send("queued 1");
  await client.send("queued 2");
  assert.equal((await retry).interval, 20);
  await server.bind(address);
  assert.deepEqual(texts(await server.receive()), ["queued 1"]);
  assert.deepEqual(texts(await server.receive()), ["queued 2"]);
});

test("inproc: connect before bind, and messages sent meanwhile arrive once the binder appears", async (t) => {
  const address = bindAddress("inproc");
  const [client, server] = track(t, new Dealer(), new Dealer());
  client.connect(address);
  await client.send("early");
  await server.bind(address);
  assert.deepEqual(texts(await server.receive()), ["early"]);
  await server.send("back");
  assert.deepEqual(texts(await client.receive()), ["back"]);
});

for (const transport of ["tcp", "inproc"] as const) {
  test(`immediate = true: send blocks until a connection is complete (${transport})`, async (t) => {
    const address = transport === "tcp" ? `tcp://127.0.0.1:${await freePort()}` : bindAddress("inproc");
    const [client, server] = track(t, new Dealer({ immediate: true, sendTimeout: 0, reconnectInterval: 20 }), new Dealer());
    client.connect(address);
    assert.equal(client.writable, false);
    await assert.rejects(client.send("no peer yet"), { code: "EAGAIN" });
    client.sendTimeout = -1;
    const sending = watch(client.send("after the handshake"));
    await server.bind(address);
    assert.deepEqual(texts(await server.receive()), ["after the handshake"], "the first message is the blocked one");
    await sending.promise;
  });
}

test("reconnects after the binder closes and a new one binds the same port; queued messages follow", async (t) => {
  const [client, first] = track(t, new Dealer({ reconnectInterval: 20 }), new Dealer());
  const address = await bindResolved(first, "tcp://127.0.0.1:0");
  client.connect(address);
  await client.send("before");
  assert.deepEqual(texts(await first.receive()), ["before"]);
  const gone = nextEvent(client, "disconnect");
  first.close();
  await gone;
  await client.send("while down");
  const [second] = track(t, new Dealer());
  const back = nextEvent(client, "handshake");
  await second.bind(address);
  await back;
  assert.deepEqual(texts(await second.receive()), ["while down"]);
  await client.send("after");
  assert.deepEqual(texts(await second.receive()), ["after"]);
});

test("unbind ends the accepted connections and stops listening; the address can be bound again", async (t) => {
  const [server, client] = track(t, new Dealer(), new Dealer({ reconnectInterval: 20 }));
  const address = await bindResolved(server, "tcp://127.0.0.1:0");
  const shaken = nextEvent(client, "handshake");
  client.connect(address);
  await shaken;
  const gone = nextEvent(client, "disconnect");
  const refused = nextEvent(client, "connect:retry", 5000);
  await server.unbind(address);
  await gone;
  await refused;
  await assert.rejects(server.unbind(address), { code: "ENOENT" });
  const again = nextEvent(client, "handshake");
  await server.bind(address);
  await again;
  await client.send("again");
  assert.deepEqual(texts(await server.receive()), ["again"]);
});

test("unbind by the address given to bind (port 0) works too", async (t) => {
  const [server] = track(t, new Dealer());
  await server.bind("tcp://127.0.0.1:0");
  const resolved = server.lastEndpoint!;
  await server.unbind("tcp://127.0.0.1:0");
  await assert.rejects(server.unbind(resolved), { code: "ENOENT" }, "both names went with it");
});

test("disconnect drops one connection; messages then go to the other peers only", async (t) => {
  const [a, b, client] = track(t, new Dealer(), new Dealer(), new Dealer());
  const addressA = await bindResolved(a, "tcp://127.0.0.1:0");
  const addressB = await bindResolved(b, bindAddress("ipc"));
  client.connect(addressA);
  client.connect(addressB);
  await client.send("1");
  await client.send("2");
  assert.deepEqual(texts(await a.receive()), ["1"]);
  assert.deepEqual(texts(await b.receive()), ["2"]);
  const aLost = nextEvent(a, "disconnect");
  client.disconnect(addressA);
  await aLost;
  await client.send("3");
  await client.send("4");
  assert.deepEqual(texts(await b.receive()), ["3"]);
  assert.deepEqual(texts(await b.receive()), ["4"]);
  assert.throws(() => client.disconnect(addressA), { code: "ENOENT" });
});

test("events: bind, accept, connect, handshake, disconnect (at the peer only, as in libzmq), end", async (t) => {
  const [server, client] = track(t, new Router(), new Dealer({ reconnectInterval: -1 }));
  const seen: AnyEvent[] = [];
  const serverSeen: AnyEvent[] = [];
  for (const type of ["bind", "accept", "handshake", "disconnect", "end"] as const) server.events.on(type, (e) => serverSeen.push(e));
  for (const type of ["connect", "handshake", "disconnect", "end"] as const) client.events.on(type, (e) => seen.push(e));
  const address = await bindResolved(server, "tcp://127.0.0.1:0");
  const accepted = nextEvent(server, "handshake");
  const shaken = nextEvent(client, "handshake");
  client.connect(address);
  await Promise.all([accepted, shaken]);
  const serverLost = nextEvent(server, "disconnect");
  client.disconnect(address);
  await serverLost;
  client.close();
  server.close();
  // The application's own disconnect() is not reported to it.
  assert.deepEqual(seen.map((e) => e.type), ["connect", "handshake", "end"]);
  assert.ok(seen.slice(0, 2).every((e) => e.address === address), "client events name the endpoint");
  assert.deepEqual(serverSeen.map((e) => e.type), ["bind", "accept", "handshake", "disconnect", "end"]);
  assert.equal(serverSeen[0]!.address, address);
});

test("connect:retry reports each interval, doubling up to reconnectMaxInterval", async (t) => {
  const [client] = track(t, new Dealer({ reconnectInterval: 10, reconnectMaxInterval: 40 }));
  const retries = events(client, "connect:retry", 5);
  client.connect(`tcp://127.0.0.1:${await freePort()}`);
  assert.deepEqual((await retries).map((e) => e.interval), [10, 20, 40, 40, 40]);
});

test("socket.events can be read as an async iterator that ends at close (the listener's close comes first)", async () => {
  const server = new Dealer();
  const types: string[] = [];
  const reading = (async () => {
    for await (const event of server.events) types.push(event.type);
  })();
  await server.bind("tcp://127.0.0.1:0");
  server.close();
  await reading;
  assert.deepEqual(types, ["bind", "close", "end"]);
});
