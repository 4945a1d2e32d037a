/**
 * Message flow between purezmq sockets: DEALER blocking at the send
 * high-water mark until the peer reads, round-robin out over three peers,
 * fair-queueing in from three peers, and what close() does with queued
 * messages under linger -1 and 0.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Router } from "../../../src/index.js";
import { TRANSPORTS, bindAddress, bindResolved, nextEvent, settle, texts, track, watch } from "./helpers.js";

test("DEALER send awaits at the high-water mark until the peer reads (inproc)", async (t) => {
  const [sender, receiver] = track(t, new Dealer({ sendHighWaterMark: 2 }), new Dealer({ receiveHighWaterMark: 2 }));
  sender.connect(await bindResolved(receiver, bindAddress("inproc")));
  let sent = 0;
  let blocked: ReturnType<typeof watch> | undefined;
  for (let i = 0; i < 20 && !blocked; i++) {
    const attempt = watch(sender.send(String(i)));
    await settle();
    if (attempt.settled) sent++;
    else blocked = attempt;
  }
  assert.ok(blocked, "a send blocked");
  assert.equal(sent, 4, "both high-water marks of 2 were filled");
  assert.equal(sender.writable, false);
  assert.deepEqual(texts(await receiver.receive()), ["0"]);
  await blocked.promise;
  for (let i = 1; i <= sent; i++) assert.deepEqual(texts(await receiver.receive()), [String(i)]);
});

test("DEALER send awaits at the high-water mark until the peer reads (tcp)", async (t) => {
  // Kernel buffers take a few MiB before TCP pushes back: send 1 MiB messages
  // until one cannot be queued within sendTimeout.
  const [sender, receiver] = track(t, new Dealer({ sendHighWaterMark: 1, sendTimeout: 300 }), new Dealer({ receiveHighWaterMark: 1 }));
  sender.connect(await bindResolved(receiver, bindAddress("tcp")));
  await nextEvent(sender, "handshake");
  const big = Buffer.alloc(1024 * 1024, 1);
  let sent = 0;
  for (;;) {
    try {
      await sender.send([String(sent), big]);
    } catch (err) {
      assert.equal((err as { code?: string }).code, "EAGAIN");
      break;
    }
    assert.ok(++sent < 200, "the peer pushed back before 200 MiB");
  }
  assert.ok(sent > 0);
  sender.sendTimeout = -1;
  const last = watch(sender.send([String(sent), big]));
  await settle();
  assert.equal(last.settled, false, "blocked while the peer does not read");
  for (let i = 0; i <= sent; i++) {
    const [n, body] = await receiver.receive();
    assert.equal(n!.toString(), String(i));
    assert.equal(body!.length, big.length);
  }
  await last.promise;
});

for (const transport of TRANSPORTS) {
  test(`DEALER round-robins over 3 peers (${transport})`, async (t) => {
    const peers = track(t, new Dealer(), new Dealer(), new Dealer());
    const [client] = track(t, new Dealer());
    for (const p of peers) client.connect(await bindResolved(p, bindAddress(transport)));
    for (let i = 0; i < 9; i++) await client.send(String(i));
    for (let k = 0; k < 3; k++) {
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(texts(await peers[k]!.receive()), [String(round * 3 + k)], `peer ${k}, round ${round}`);
      }
    }
  });
}

test("ROUTER fair-queues from 3 peers: one message from each in turn", async (t) => {
  const [router] = track(t, new Router());
  const peers = track(t, new Dealer({ routingId: "a" }), new Dealer({ routingId: "b" }), new Dealer({ routingId: "c" }));
  const address = await bindResolved(router, bindAddress("inproc"));
  for (const p of peers) p.connect(address);
  for (const p of peers) for (let i = 0; i < 3; i++) await p.send(String(i));
  await settle(); // inproc has moved every message: all three queues are full
  const order: string[] = [];
  for (let i = 0; i < 9; i++) {
    const [id, body] = await router.receive();
    order.push(`${id!.toString()}${body!.toString()}`);
  }
  assert.deepEqual(order, ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"]);
});

test("DEALER fair-queues from 3 peers: one message from each in turn", async (t) => {
  const [receiver] = track(t, new Dealer());
  const peers = track(t, new Dealer(), new Dealer(), new Dealer());
  const address = await bindResolved(receiver, bindAddress("inproc"));
  for (const p of peers) p.connect(address);
  // Uneven backlogs: the first peer has many more messages waiting.
  for (let i = 0; i < 6; i++) await peers[0]!.send(["a", String(i)]);
  await peers[1]!.send(["b", "0"]);
  for (let i = 0; i < 2; i++) await peers[2]!.send(["c", String(i)]);
  await settle();
  const order: string[] = [];
  for (let i = 0; i < 9; i++) order.push(texts(await receiver.receive()).join(""));
  assert.deepEqual(order, ["a0", "b0", "c0", "a1", "c1", "a2", "a3", "a4", "a5"]);
});

for (const transport of TRANSPORTS) {
  test(`close() with linger -1 still delivers queued messages (${transport})`, async (t) => {
    const [receiver] = track(t, new Dealer());
    const sender = new Dealer({ linger: -1 });
    t.after(() => sender.close());
    sender.connect(await bindResolved(receiver, bindAddress(transport)));
    if (transport !== "inproc") await nextEvent(sender, "handshake");
    const count = 200;
    for (let i = 0; i < count; i++) void sender.send(String(i));
    sender.close();
    for (let i = 0; i < count; i++) assert.deepEqual(texts(await receiver.receive()), [String(i)]);
  });

  test(`close() with linger 0 drops queued messages (${transport})`, async (t) => {
    const [receiver] = track(t, new Dealer({ receiveTimeout: 0 }));
    const sender = new Dealer({ linger: 0 });
    t.after(() => sender.close());
    sender.connect(await bindResolved(receiver, bindAddress(transport)));
    if (transport !== "inproc") await nextEvent(sender, "handshake");
    const gone = transport === "inproc" ? undefined : nextEvent(receiver, "disconnect");
    for (let i = 0; i < 200; i++) void sender.send(String(i));
    sender.close();
    await gone; // every octet sent before the close has been read by now
    await settle();
    await assert.rejects(receiver.receive(), { code: "EAGAIN" }, "nothing was delivered");
  });
}

test("a loop of awaited sends to a peer that keeps up lets the event loop run: a timer fires within a few thousand sends (tcp)", async (t) => {
  // The peer reads as fast as it is sent to, so send() never has to wait:
  // unless some send() yields to the event loop, the loop holds the thread
  // and the reader beside it in this process never runs.
  const [sender, receiver] = track(t, new Dealer(), new Dealer());
  sender.connect(await bindResolved(receiver, bindAddress("tcp")));
  await nextEvent(sender, "handshake");
  let received = 0;
  const reading = (async () => {
    for await (const _ of receiver) if (++received === 1) break;
  })();
  let fired = false;
  const timer = setTimeout(() => (fired = true), 0);
  const body = Buffer.alloc(100, 1);
  let sent = 0;
  while (!fired && sent < 200_000) {
    await sender.send(body);
    sent++;
  }
  clearTimeout(timer);
  await reading;
  assert.ok(fired, "the timer never fired during the flood");
  assert.ok(sent < 5_000, `the timer fired only after ${sent} sends`);
});
