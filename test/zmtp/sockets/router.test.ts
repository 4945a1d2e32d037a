/**
 * ROUTER between purezmq sockets: generated routing ids, `mandatory`,
 * duplicate identities with and without `handover`, ROUTER-ROUTER with a
 * connect routing id, a send burst beyond the high-water mark, routing by
 * the routing id's octets when the Buffer handed out comes back, the
 * internal receive of what is queued, and a route removed when its peer goes
 * even after the application wrote into the routing id.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Router } from "../../../src/index.js";
import { RECEIVE_NOW, SEND_OWNED } from "../../../src/zmtp/message.js";
import { TRANSPORTS, bindAddress, bindResolved, nextEvent, settle, texts, track } from "./helpers.js";

for (const transport of TRANSPORTS) {
  test(`ROUTER numbers anonymous peers (00 + uint32) and routes replies to each over ${transport}`, async (t) => {
    const [router, d1, d2] = track(t, new Router(), new Dealer(), new Dealer());
    const address = await bindResolved(router, bindAddress(transport));
    d1.connect(address);
    d2.connect(address);
    await d1.send("one");
    await d2.send("two");
    const ids = new Map<string, Buffer>();
    for (let i = 0; i < 2; i++) {
      const [id, body] = await router.receive();
      assert.equal(id!.length, 5);
      assert.equal(id![0], 0);
      ids.set(body!.toString(), id!);
    }
    assert.notDeepEqual(ids.get("one"), ids.get("two"));
    await router.send([ids.get("two")!, "to two"]);
    await router.send([ids.get("one")!, "to one"]);
    assert.deepEqual(texts(await d1.receive()), ["to one"]);
    assert.deepEqual(texts(await d2.receive()), ["to two"]);
  });
}

test("ROUTER drops unroutable messages silently, and fails with EHOSTUNREACH when mandatory", async (t) => {
  const [router] = track(t, new Router());
  await router.send(["nobody", "dropped"]);
  router.mandatory = true;
  // Without peers a mandatory ROUTER waits (as libzmq's); sendTimeout 0 asks for the answer now.
  router.sendTimeout = 0;
  await assert.rejects(router.send(["nobody", "refused"]), { code: "EHOSTUNREACH" });
});

test("ROUTER with mandatory waits for room at a full peer instead of dropping", async (t) => {
  const [router, dealer] = track(t, new Router({ mandatory: true, sendHighWaterMark: 2 }), new Dealer({ routingId: "d", receiveHighWaterMark: 2 }));
  dealer.connect(await bindResolved(router, bindAddress("inproc")));
  await settle();
  let sent = 0;
  const sending = (async () => {
    for (let i = 0; i < 10; i++) {
      await router.send(["d", String(i)]);
      sent++;
    }
  })();
  await settle();
  assert.ok(sent < 10, `the ROUTER blocked (after ${sent} messages)`);
  for (let i = 0; i < 10; i++) assert.deepEqual(texts(await dealer.receive()), [String(i)]);
  await sending;
});

test("a duplicate Identity is refused without handover; the first peer keeps the route", async (t) => {
  const [router, first, second] = track(t, new Router(), new Dealer({ routingId: "A" }), new Dealer({ routingId: "A", receiveTimeout: 0 }));
  const address = await bindResolved(router, bindAddress("tcp"));
  first.connect(address);
  await first.send("from first");
  assert.deepEqual(texts(await router.receive()), ["A", "from first"]);
  const refused = nextEvent(router, "handshake:error:protocol");
  second.connect(address);
  await refused;
  await router.send(["A", "for A"]);
  assert.deepEqual(texts(await first.receive()), ["for A"]);
  await assert.rejects(second.receive(), { code: "EAGAIN" }, "the second peer got nothing");
});

test("with handover, a newcomer with the same Identity takes the route and the old peer is disconnected", async (t) => {
  const [router, first, second] = track(
    t,
    new Router({ handover: true }),
    new Dealer({ routingId: "A", reconnectInterval: -1, receiveTimeout: 0 }),
    new Dealer({ routingId: "A" }),
  );
  const address = await bindResolved(router, bindAddress("tcp"));
  first.connect(address);
  await first.send("from first");
  assert.deepEqual(texts(await router.receive()), ["A", "from first"]);
  const dropped = nextEvent(first, "disconnect");
  const taken = nextEvent(router, "handshake");
  second.connect(address);
  await taken;
  await dropped;
  await router.send(["A", "for the newcomer"]);
  assert.deepEqual(texts(await second.receive()), ["for the newcomer"]);
  await second.send("from second");
  assert.deepEqual(texts(await router.receive()), ["A", "from second"]);
  await assert.rejects(first.receive(), { code: "EAGAIN" });
});

test("handover over inproc ends the old link too", async (t) => {
  const [router, first, second] = track(t, new Router({ handover: true }), new Dealer({ routingId: "A" }), new Dealer({ routingId: "A" }));
  const address = await bindResolved(router, bindAddress("inproc"));
  first.connect(address);
  second.connect(address);
  await settle();
  await router.send(["A", "x"]);
  assert.deepEqual(texts(await second.receive()), ["x"]);
  assert.equal(first.writable, false, "the old peer's pipe is gone");
});

for (const transport of TRANSPORTS) {
  test(`ROUTER-ROUTER with a connect routing id over ${transport}`, async (t) => {
    const [server, client] = track(t, new Router(), new Router({ routingId: "client" }));
    const address = await bindResolved(server, bindAddress(transport));
    const shaken = nextEvent(client, "handshake");
    client.connect(address, { routingId: "server" });
    await shaken;
    await client.send(["server", "hello"]);
    assert.deepEqual(texts(await server.receive()), ["client", "hello"]);
    await server.send(["client", "hi"]);
    assert.deepEqual(texts(await client.receive()), ["server", "hi"]);
  });
}

test("a ROUTER sending a burst past the high-water mark in one turn loses nothing (the transport takes its share)", async (t) => {
  const [router, dealer] = track(t, new Router(), new Dealer({ routingId: "d", receiveTimeout: 5000 }));
  dealer.connect(await bindResolved(router, bindAddress("tcp")));
  await nextEvent(router, "handshake");
  const count = 1500;
  for (let i = 0; i < count; i++) await router.send(["d", String(i)]);
  for (let i = 0; i < count; i++) assert.equal((await dealer.receive())[0]!.toString(), String(i));
});

test("ROUTER routes the library's own sends by the octets of the routing id, not by which Buffer carries them", async (t) => {
  const [router, d1, d2] = track(t, new Router(), new Dealer({ routingId: "AAAA" }), new Dealer({ routingId: "BBBB" }));
  const address = await bindResolved(router, bindAddress("inproc"));
  d1.connect(address);
  d2.connect(address);
  await d1.send("from d1");
  await d2.send("from d2");
  const received = new Map<string, Buffer>();
  for (let i = 0; i < 2; i++) {
    const [id, body] = await router.receive();
    received.set(body!.toString(), id!);
  }
  // The very Buffer the ROUTER handed out (the RPC layer's replies send it back as it is).
  const id1 = received.get("from d1")!;
  await router[SEND_OWNED]([id1, Buffer.from("back to d1")]);
  assert.deepEqual(texts(await d1.receive()), ["back to d1"]);
  // The same Buffer, its octets now naming d2: routed to d2, as a fresh Buffer of those octets would be.
  id1.write("BBBB", "latin1");
  await router[SEND_OWNED]([id1, Buffer.from("to d2 by its name")]);
  assert.deepEqual(texts(await d2.receive()), ["to d2 by its name"]);
  await router[SEND_OWNED]([Buffer.from("AAAA"), Buffer.from("a copy of d1's id")]);
  assert.deepEqual(texts(await d1.receive()), ["a copy of d1's id"]);
  id1.write("AAAA", "latin1"); // the ROUTER's own Buffer: put back as it was
});

test("[RECEIVE_NOW] takes what is queued, in order, after a waiting receive() got its message, and throws once closed", async (t) => {
  const [router, dealer] = track(t, new Router(), new Dealer({ routingId: "d" }));
  dealer.connect(await bindResolved(router, bindAddress("inproc")));
  assert.equal(router[RECEIVE_NOW](), undefined, "nothing queued");
  const waiting = router.receive();
  for (let i = 0; i < 5; i++) await dealer.send(String(i));
  await settle();
  assert.deepEqual(texts(await waiting), ["d", "0"], "the waiting receive() got the first");
  const rest: string[][] = [];
  for (let m = router[RECEIVE_NOW](); m !== undefined; m = router[RECEIVE_NOW]()) rest.push(texts(m));
  assert.deepEqual(rest, [["d", "1"], ["d", "2"], ["d", "3"], ["d", "4"]]);
  router.close();
  assert.throws(() => router[RECEIVE_NOW](), { code: "EBADF" }, "as receive() throws");
});

test("a routing id the application wrote into still leaves the route when its peer goes: the name is free again", async (t) => {
  const [router, first, second] = track(t, new Router({ receiveTimeout: 5000 }), new Dealer({ routingId: "AAAA" }), new Dealer({ routingId: "AAAA" }));
  const address = await bindResolved(router, bindAddress("tcp"));
  first.connect(address);
  await first.send("from first");
  const [id] = await router.receive();
  // The ROUTER's own Buffer, written into by the application (zeromq.js would have handed a copy).
  id!.write("ZZZZ", "latin1");
  const gone = nextEvent(router, "disconnect");
  first.close();
  await gone;
  second.connect(address);
  await second.send("from second");
  assert.deepEqual(texts(await router.receive()), ["AAAA", "from second"], "the newcomer was not refused as a duplicate");
});
