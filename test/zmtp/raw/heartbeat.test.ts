/**
 * Raw peers against heartbeats (RFC 37 PING/PONG): PONG echoes the
 * context, a PING's TTL bounds the peer's silence, and our own
 * heartbeatInterval/heartbeatTimeout drop a silent peer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Router, type Socket } from "../../../src/index.js";
import { RawPeer, command, message, nextEvent, pingData, within } from "./raw-peer.js";

async function connected(t: { after(fn: () => void): void }, sock: Socket, type = "DEALER"): Promise<RawPeer> {
  t.after(() => sock.close());
  await sock.bind("tcp://127.0.0.1:0");
  const peer = await RawPeer.connect(sock.lastEndpoint!);
  t.after(() => peer.destroy());
  await within(peer.handshake(type), 3000, "handshake");
  return peer;
}

test("PING is answered with a PONG echoing the same context, 0 to 16 octets", async (t) => {
  const peer = await connected(t, new Dealer());
  for (let n = 0; n <= 16; n++) {
    const ctx = Buffer.alloc(n);
    for (let i = 0; i < n; i++) ctx[i] = (n * 17 + i) & 0xff;
    peer.write(command("PING", pingData(0, ctx)));
    const pong = await within(peer.readCommand(), 3000, `PONG ${n}`);
    assert.equal(pong.name, "PONG");
    assert.equal(pong.data.toString("hex"), ctx.toString("hex"));
  }
});

test("a PING context over 16 octets is answered with its first 16, as libzmq does", async (t) => {
  const peer = await connected(t, new Dealer());
  peer.write(command("PING", pingData(0, Buffer.from("0123456789abcdefXYZ"))));
  const pong = await within(peer.readCommand(), 3000, "PONG");
  assert.equal(pong.data.toString(), "0123456789abcdef");
});

test("PING with a TTL then silence: the connection is closed once the TTL has passed", async (t) => {
  const router = new Router();
  const peer = await connected(t, router);
  const disconnect = nextEvent(router, "disconnect");
  const start = Date.now();
  peer.write(command("PING", pingData(2))); // 200 ms
  assert.equal((await within(peer.readCommand(), 3000, "PONG")).name, "PONG");
  await peer.waitClosed();
  const elapsed = Date.now() - start;
  assert.ok(elapsed >= 180, `closed after ${elapsed} ms, before the TTL`);
  assert.equal((await within(disconnect, 3000, "disconnect")).error?.code, "ETIMEDOUT");
});

test("PING with a TTL followed by traffic keeps the connection past the TTL", async (t) => {
  const dealer = new Dealer();
  const peer = await connected(t, dealer);
  peer.write(command("PING", pingData(1))); // 100 ms
  await peer.readCommand();
  peer.write(message(["alive"]));
  assert.deepEqual((await within(dealer.receive(), 3000, "message")).map(String), ["alive"]);
  // Nothing signals "a deadline did not fire", so let the TTL run out with room to spare.
  await new Promise((resolve) => setTimeout(resolve, 250));
  peer.write(command("PING", pingData(0, Buffer.from("again"))));
  const pong = await within(peer.readCommand(), 3000, "second PONG");
  assert.equal(pong.data.toString(), "again");
  assert.equal(peer.isClosed, false);
});

test("heartbeatInterval sends PINGs carrying heartbeatTimeToLive; answering keeps the connection alive", async (t) => {
  const dealer = new Dealer({ heartbeatInterval: 40, heartbeatTimeout: 120, heartbeatTimeToLive: 2500 });
  const peer = await connected(t, dealer);
  const start = Date.now();
  // Several rounds, well past the timeout: each PING is answered, so each next PING comes.
  for (let i = 0; i < 6; i++) {
    const ping = await within(peer.readCommand(), 3000, `PING ${i}`);
    assert.equal(ping.name, "PING");
    assert.equal(ping.data.readUInt16BE(0), 25, "TTL in tenths of a second");
    peer.write(command("PONG", ping.data.subarray(2)));
  }
  assert.ok(Date.now() - start >= 120, "the rounds outlasted the timeout");
  assert.equal(peer.isClosed, false);
});

test("a silent peer is dropped after heartbeatTimeout, also when the timeout exceeds the interval", async (t) => {
  for (const [interval, timeout] of [[50, 50], [40, 200]] as const) {
    const dealer = new Dealer({ heartbeatInterval: interval, heartbeatTimeout: timeout });
    const peer = await connected(t, dealer);
    const disconnect = nextEvent(dealer, "disconnect");
    const start = Date.now();
    await peer.waitClosed(3000);
    const elapsed = Date.now() - start;
    assert.ok(elapsed >= interval + timeout - 20, `dropped after ${elapsed} ms`);
    assert.equal((await within(disconnect, 3000, "disconnect")).error?.code, "ETIMEDOUT");
  }
});
