/**
 * REQ and REP between purezmq sockets: round trips over every transport,
 * REQ `correlate` and `relaxed`, stray replies, and REP under a pipelined
 * burst (a reply must wait for room, never vanish).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router } from "../../../src/index.js";
import { TRANSPORTS, bindAddress, bindResolved, settle, texts, track } from "./helpers.js";

for (const transport of TRANSPORTS) {
  test(`REQ-REP round trips with multipart and empty frames over ${transport}`, async (t) => {
    const [rep, req] = track(t, new Reply(), new Request());
    req.connect(await bindResolved(rep, bindAddress(transport)));
    const bodies = [["a"], ["a", "b", "c"], [""], ["", "x", ""]];
    for (const body of bodies) {
      await req.send(body);
      assert.deepEqual(texts(await rep.receive()), body);
      await rep.send([...body, "!"]);
      assert.deepEqual(texts(await req.receive()), [...body, "!"]);
    }
  });
}

test("REQ with correlate and relaxed takes only the reply to its latest request", async (t) => {
  const [router, req] = track(t, new Router(), new Request({ correlate: true, relaxed: true }));
  req.connect(await bindResolved(router, bindAddress("inproc")));
  await req.send("q1");
  await req.send("q2"); // relaxed: allowed before the reply
  const first = await router.receive();
  const second = await router.receive();
  // [routing id, request id (4 octets), delimiter, body]
  assert.equal(first.length, 4);
  assert.equal(first[1]!.length, 4, "a 4-octet request id");
  assert.equal(first[2]!.length, 0, "the delimiter");
  assert.equal(first[3]!.toString(), "q1");
  assert.notDeepEqual(first[1], second[1], "each request has its own id");
  assert.equal(second[1]!.readUInt32BE(0), (first[1]!.readUInt32BE(0) + 1) >>> 0, "ids count up");
  await router.send([first[0]!, first[1]!, Buffer.alloc(0), "r1"]); // stale: dropped
  await router.send([second[0]!, second[1]!, Buffer.alloc(0), "r2"]);
  assert.deepEqual(texts(await req.receive()), ["r2"]);
  req.receiveTimeout = 0;
  await settle();
  await assert.rejects(req.send("q3").then(() => req.receive()), { code: "EAGAIN" }, "r1 never shows up");
});

test("REQ with relaxed alone accepts a reply after a resend", async (t) => {
  const [rep, req] = track(t, new Reply(), new Request({ relaxed: true }));
  req.connect(await bindResolved(rep, bindAddress("inproc")));
  await req.send("first");
  await req.send("again");
  assert.deepEqual(texts(await rep.receive()), ["first"]);
  await rep.send("answer");
  assert.deepEqual(texts(await req.receive()), ["answer"]);
});

test("REQ drops a reply without the delimiter and one from a peer it did not ask", async (t) => {
  const [r1, r2, req] = track(t, new Router(), new Router(), new Request({ routingId: "req" }));
  req.connect(await bindResolved(r1, bindAddress("inproc")));
  req.connect(await bindResolved(r2, bindAddress("inproc")));
  await req.send("q"); // round-robin starts with the first pipe: r1
  const [id, delimiter, body] = await r1.receive();
  assert.equal(id!.toString(), "req");
  assert.equal(delimiter!.length, 0);
  assert.equal(body!.toString(), "q");
  await r2.send(["req", Buffer.alloc(0), "stray from r2"]);
  await settle(); // inproc has moved it: the stray is queued first
  await r1.send(["req", "no delimiter"]);
  await r1.send(["req", Buffer.alloc(0), "the reply"]);
  assert.deepEqual(texts(await req.receive()), ["the reply"]);
});

test("REP whose peer reads slowly answers every request (replies wait for room, never vanish)", async (t) => {
  // Over inproc the REP's replies can queue 4 in its pipe and about 2 at the
  // DEALER, which reads nothing until REP has gone as far as it can.
  const [rep, dealer] = track(t, new Reply({ sendHighWaterMark: 4 }), new Dealer({ receiveHighWaterMark: 1, receiveTimeout: 2000 }));
  dealer.connect(await bindResolved(rep, bindAddress("inproc")));
  const count = 20;
  for (let i = 0; i < count; i++) await dealer.send([Buffer.alloc(0), String(i)]);
  let attempted = 0;
  const serving = (async () => {
    for (let i = 0; i < count; i++) {
      const msg = await rep.receive();
      attempted++;
      await rep.send(msg);
    }
  })();
  await settle();
  assert.ok(attempted < count, `REP waits for room (it tried ${attempted} replies)`);
  for (let i = 0; i < count; i++) {
    const [delimiter, n] = await dealer.receive();
    assert.equal(delimiter!.length, 0);
    assert.equal(n!.toString(), String(i), "replies in order, none lost");
  }
  await serving;
});
