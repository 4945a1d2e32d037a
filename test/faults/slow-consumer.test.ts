/**
 * A slow consumer: nothing grows without bound. A PUB drops for a
 * subscriber that does not read (sends never block; its queue stays at the
 * high-water mark); a PUSH blocks (send waits, then times out) and its
 * queues stay within their marks; the consumer then gets every message that
 * was accepted, in order.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Publisher, Pull, Push, Subscriber, ZmqError, type Socket } from "../../src/index.js";
import type { Pipe } from "../../src/zmtp/pipe.js";
import { untilSubscribed } from "../zmtp/pubsub/helpers.js";
import { nextEvent, track } from "../zmtp/sockets/helpers.js";

/** The pipes of a socket (white-box: the queue counts are what the test is about). */
function pipesOf(socket: Socket): Pipe[] {
  return [...(socket as unknown as { pipes: Set<Pipe> }).pipes];
}

const HWM = 20;
const BIG = Buffer.alloc(32 * 1024, 1);

test("PUB to a subscriber that does not read: sends never block, queues stay at the mark", async (t) => {
  const [pub, sub] = track(t, new Publisher({ sendHighWaterMark: HWM }), new Subscriber({ receiveHighWaterMark: HWM, receiveTimeout: 2000 }));
  await pub.bind("tcp://127.0.0.1:0");
  sub.subscribe("");
  sub.connect(pub.lastEndpoint!);
  await untilSubscribed(pub, sub, "t");
  const started = Date.now();
  for (let i = 0; i < 2000; i++) {
    await pub.send(["t", BIG]); // 64 MiB offered: far beyond every buffer on the way
    for (const p of pipesOf(pub)) assert.ok(p.outLength <= HWM, `publisher queue ${p.outLength} over ${HWM}`);
  }
  assert.ok(Date.now() - started < 20_000);
  // Reading stops at the mark; the rest of the 64 KiB read that reached it
  // is still delivered (Pipe.deliver): at most two 32 KiB messages.
  for (const p of pipesOf(sub)) assert.ok(p.inLength <= HWM + 2, `subscriber queue ${p.inLength} over ${HWM} + 2`);
  // Most were dropped; the subscriber still works.
  let got = 0;
  sub.receiveTimeout = 200;
  try {
    for (;;) {
      await sub.receive();
      got++;
    }
  } catch (err) {
    assert.equal((err as ZmqError).code, "EAGAIN");
  }
  assert.ok(got > 0 && got < 2000, `received ${got} of 2000`);
});

test("PUSH to a PULL that does not read: send blocks and times out, queues stay within their marks, nothing is lost", async (t) => {
  const [push, pull] = track(t, new Push({ sendHighWaterMark: HWM, sendTimeout: 300 }), new Pull({ receiveHighWaterMark: HWM, receiveTimeout: 5000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const up = nextEvent(push, "handshake");
  push.connect(pull.lastEndpoint!);
  await up;
  let sent = 0;
  for (;;) {
    try {
      await push.send([String(sent), BIG]);
    } catch (err) {
      assert.equal((err as ZmqError).code, "EAGAIN");
      break;
    }
    sent++;
    assert.ok(sent < 5000, "send never blocked");
  }
  for (const p of pipesOf(push)) assert.ok(p.outLength <= HWM, `push queue ${p.outLength}`);
  // The receive queue stops the reading at its mark; the rest of the read
  // that reached it is still delivered (Pipe.deliver): one 64 KiB read
  // completes at most two 32 KiB messages.
  for (const p of pipesOf(pull)) assert.ok(p.inLength <= HWM + 2, `pull queue ${p.inLength}`);
  // What TCP and the two engines hold is bounded too: a few MiB at most.
  assert.ok(sent * BIG.length < 64 * 1024 * 1024, `${sent} messages accepted before blocking`);
  for (let i = 0; i < sent; i++) {
    const [n] = await pull.receive();
    assert.equal(n!.toString(), String(i));
  }
});
