/**
 * close() with messages still queued honours `linger`: with a positive
 * linger they are delivered; at 0 they are dropped and the connection ends
 * at once; a peer that reads nothing holds the connection only until the
 * linger expires (it used to hold it forever).
 */
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { Pull, Push } from "../../src/index.js";
import { RawListener, type RawPeer } from "../zmtp/raw/raw-peer.js";
import { nextEvent, track, withDeadline } from "../zmtp/sockets/helpers.js";
import { openHandles, pollUntil } from "./resources.js";

const COUNT = 200;

/** Queues COUNT messages and closes in the same turn, before any is written. */
function sendAllThenClose(push: Push): void {
  for (let i = 0; i < COUNT; i++) void push.send(String(i));
  push.close();
}

/** A PUSH with `linger` connected to a raw PULL peer that has completed the handshake. */
async function pushToRawPeer(t: TestContext, options: ConstructorParameters<typeof Push>[0]): Promise<{ push: Push; peer: RawPeer }> {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const [push] = track(t, new Push(options));
  const up = nextEvent(push, "handshake");
  push.connect(listener.endpoint);
  const peer = await listener.accept();
  await peer.handshake("PULL");
  await up;
  return { push, peer };
}

test("linger > 0: messages queued at close() are delivered", async (t) => {
  const [pull] = track(t, new Pull({ receiveTimeout: 3000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const push = new Push({ linger: 2000 });
  t.after(() => push.close());
  const up = nextEvent(push, "handshake");
  push.connect(pull.lastEndpoint!);
  await up;
  sendAllThenClose(push);
  for (let i = 0; i < COUNT; i++) assert.equal((await pull.receive())[0]!.toString(), String(i));
});

test("linger 0: messages queued at close() are dropped and the connection ends at once", async (t) => {
  const { push, peer } = await pushToRawPeer(t, { linger: 0 });
  sendAllThenClose(push);
  await peer.waitClosed(2000);
  // A send on an idle connection writes its message at once; every later one was still queued.
  const got: string[] = [];
  while (peer.pending > 0) got.push((await peer.readMessage()).map(String).join());
  assert.ok(got.length <= 1, `${got.length} of ${COUNT} messages delivered after close() with linger 0`);
});

/** Open TCP handles of this process. */
function tcpHandles(): number {
  return openHandles().get("TCPSocketWrap") ?? 0;
}

test("linger > 0 with a peer that reads nothing: the connection ends when the linger expires", async (t) => {
  const { push, peer } = await pushToRawPeer(t, { linger: 300, sendHighWaterMark: 0 });
  peer.sock.pause(); // reads nothing more: TCP fills up
  const big = Buffer.alloc(256 * 1024);
  const total = 64 * big.length; // 16 MiB: more than the socket buffers take
  for (let i = 0; i < 64; i++) await push.send(big);
  const before = tcpHandles();
  const started = Date.now();
  push.close();
  // The paused peer cannot see the FIN; the push side's handle going away is the sign (no event for it).
  await pollUntil(5000, () => tcpHandles() < before);
  const took = Date.now() - started;
  assert.ok(tcpHandles() < before, "the lingering connection never ended");
  assert.ok(took >= 250, `closed after ${took} ms, before the 300 ms linger`);
  let received = peer.pending;
  peer.sock.on("data", (d: Buffer) => (received += d.length));
  peer.sock.resume();
  await withDeadline(peer.closed, 5000, "the peer to see the end");
  assert.ok(received < total, `the peer got all ${total} octets: nothing was dropped at the deadline`);
});
