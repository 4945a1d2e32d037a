/**
 * A half-open peer: it completes the handshake and then goes silent
 * without FIN (its PINGs unanswered, nothing sent). Heartbeats find it and
 * end the connection, on the bound side and on the connecting side, and a
 * connecting socket then dials again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dealer, Router } from "../../src/index.js";
import { RawListener, RawPeer } from "../zmtp/raw/raw-peer.js";
import { nextEvent, track } from "../zmtp/sockets/helpers.js";

const HEARTBEAT = { heartbeatInterval: 100, heartbeatTimeout: 300 };

/** The next message from the peer, skipping the PINGs between. */
async function nextMessage(peer: RawPeer): Promise<string[]> {
  const parts: string[] = [];
  for (;;) {
    const f = await peer.readFrame();
    if ((f.flags & 0x04) !== 0) continue;
    parts.push(f.body.toString());
    if ((f.flags & 0x01) === 0) return parts;
  }
}

test("bound side: a silent peer is dropped by heartbeats with ETIMEDOUT", async (t) => {
  const [router] = track(t, new Router(HEARTBEAT));
  await router.bind("tcp://127.0.0.1:0");
  const peer = await RawPeer.connect(router.lastEndpoint!);
  t.after(() => peer.destroy());
  const dropped = nextEvent(router, "disconnect", 5000);
  const started = Date.now();
  await peer.handshake("DEALER");
  const event = await dropped;
  assert.equal(event.error?.code, "ETIMEDOUT");
  assert.ok(Date.now() - started >= 250, "not before the heartbeat timeout");
  await peer.waitClosed(2000);
  assert.ok(peer.pending > 0, "PINGs were sent before giving up");
});

test("connecting side: a silent server is dropped and dialled again", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const [dealer] = track(t, new Dealer(HEARTBEAT));
  const dropped = nextEvent(dealer, "disconnect", 5000);
  dealer.connect(listener.endpoint);
  const first = await listener.accept();
  await first.handshake("ROUTER");
  assert.equal((await dropped).error?.code, "ETIMEDOUT");
  await first.waitClosed(2000);
  // A timeout is not fatal: the dealer reconnects.
  const second = await listener.accept();
  await second.handshake("ROUTER");
  await dealer.send("after");
  assert.deepEqual(await nextMessage(second), ["after"]);
});
