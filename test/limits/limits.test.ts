/**
 * The limits every bound socket applies by default, and their knobs:
 * `maxConnections` (connection floods), the handshake timeout, the 64 KiB
 * cap on handshake frames, and `maxMessageSize` once connected.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dealer, Pull, Router } from "../../src/index.js";
import type { AnyEvent } from "../support/sockets.js";
import { RawPeer, frame, greetingBytes, message } from "../zmtp/raw/raw-peer.js";
import { nextEvent, track } from "../zmtp/sockets/helpers.js";
import { ourError } from "../support/our-error.js";

test("defaults: maxConnections 10,000, handshake 30 s, maxMessageSize -1 (libzmq's)", (t) => {
  const [s] = track(t, new Router());
  assert.equal(s.maxConnections, 10_000);
  assert.equal(s.handshakeInterval, 30_000);
  assert.equal(s.maxMessageSize, -1);
  const [d] = track(t, new Dealer({ maxConnections: 5 }));
  assert.equal(d.maxConnections, 5);
});

test("maxConnections: peers beyond the bound are closed with an accept:error event; served ones keep working", async (t) => {
  const [pull] = track(t, new Pull({ maxConnections: 3, receiveTimeout: 3000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const served: RawPeer[] = [];
  for (let i = 0; i < 3; i++) {
    const p = await RawPeer.connect(pull.lastEndpoint!);
    t.after(() => p.destroy());
    await p.handshake("PUSH");
    served.push(p);
  }
  const refusals: AnyEvent[] = [];
  pull.events.on("accept:error", (e) => refusals.push(e));
  for (let i = 0; i < 5; i++) {
    const extra = await RawPeer.connect(pull.lastEndpoint!);
    t.after(() => extra.destroy());
    await extra.waitClosed(2000);
    assert.equal(extra.pending, 0, "a refused peer gets not even a greeting");
  }
  assert.equal(refusals.length, 5);
  assert.equal(ourError(refusals[0]!)?.code, "EMFILE");
  assert.match(ourError(refusals[0]!)!.message, /maxConnections \(3\)/);
  served[1]!.write(message(["still served"]));
  assert.deepEqual((await pull.receive()).map(String), ["still served"]);
  // A slot freed is a slot for the next peer.
  const gone = nextEvent(pull, "disconnect");
  served[0]!.destroy();
  await gone;
  const next = await RawPeer.connect(pull.lastEndpoint!);
  t.after(() => next.destroy());
  await next.handshake("PUSH");
  next.write(message(["newcomer"]));
  assert.deepEqual((await pull.receive()).map(String), ["newcomer"]);
});

test("maxConnections -1: no bound", async (t) => {
  const [pull] = track(t, new Pull({ maxConnections: -1 }));
  await pull.bind("tcp://127.0.0.1:0");
  let refused = 0;
  pull.events.on("accept:error", () => refused++);
  const peers = await Promise.all(Array.from({ length: 20 }, () => RawPeer.connect(pull.lastEndpoint!)));
  t.after(() => peers.forEach((p) => p.destroy()));
  await Promise.all(peers.map((p) => p.handshake("PUSH")));
  assert.equal(refused, 0);
});

test("handshake timeout: a peer that connects and says nothing is closed", async (t) => {
  const [router] = track(t, new Router({ handshakeInterval: 200 }));
  await router.bind("tcp://127.0.0.1:0");
  const failed = nextEvent(router, "handshake:error:other");
  const silent = await RawPeer.connect(router.lastEndpoint!);
  t.after(() => silent.destroy());
  assert.equal(ourError(await failed)?.code, "ETIMEDOUT");
  await silent.waitClosed(2000);
});

test("handshake frames are capped at 64 KiB, whatever maxMessageSize allows", async (t) => {
  const [router] = track(t, new Router());
  await router.bind("tcp://127.0.0.1:0");
  const failed = nextEvent(router, "handshake:error:protocol");
  const peer = await RawPeer.connect(router.lastEndpoint!);
  t.after(() => peer.destroy());
  // A READY announcing 1 GiB: refused on its header, before any body is buffered.
  const huge = Buffer.alloc(9);
  huge[0] = 0x06;
  huge.writeBigUInt64BE(1n << 30n, 1);
  peer.write(greetingBytes(), huge);
  assert.equal(ourError(await failed)?.code, "EMSGSIZE");
  await peer.waitClosed(2000);
  // Just under the cap is fine.
  const ok = await RawPeer.connect(router.lastEndpoint!);
  t.after(() => ok.destroy());
  const served = nextEvent(router, "handshake");
  await ok.handshake("DEALER", [["X-Pad", Buffer.alloc(60 * 1024)]]);
  await served;
});

test("maxMessageSize: a larger frame after the handshake ends that connection only", async (t) => {
  const [pull] = track(t, new Pull({ maxMessageSize: 1024, receiveTimeout: 3000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const [big, small] = await Promise.all([RawPeer.connect(pull.lastEndpoint!), RawPeer.connect(pull.lastEndpoint!)]);
  t.after(() => (big.destroy(), small.destroy()));
  await big.handshake("PUSH");
  await small.handshake("PUSH");
  const dropped = nextEvent(pull, "disconnect");
  big.write(frame(Buffer.alloc(1025)));
  assert.equal(ourError(await dropped)?.code, "EMSGSIZE");
  await big.waitClosed(2000);
  small.write(message([Buffer.alloc(1024, 0x61)]));
  assert.equal((await pull.receive())[0]!.length, 1024);
});
