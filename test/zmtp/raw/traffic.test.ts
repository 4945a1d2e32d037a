/**
 * Raw peers in the traffic phase: frame forms, commands between and inside
 * messages, oversize frames and garbage isolated to their connection.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, type Socket } from "../../../src/index.js";
import { RawPeer, command, frame, message, nextEvent, pingData, within } from "./raw-peer.js";

async function bound<S extends Socket>(t: { after(fn: () => void): void }, sock: S): Promise<string> {
  t.after(() => sock.close());
  await sock.bind("tcp://127.0.0.1:0");
  return sock.lastEndpoint!;
}

/** A DEALER bound, and a raw DEALER peer through its handshake. */
async function dealerAndPeer(t: { after(fn: () => void): void }, options: ConstructorParameters<typeof Dealer>[0] = {}) {
  const dealer = new Dealer(options);
  const endpoint = await bound(t, dealer);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  await within(peer.handshake("DEALER"), 3000, "handshake");
  return { dealer, endpoint, peer };
}

test("every legal flag octet: 00 01 02 03 in messages (long form for 1-octet bodies), 04 06 for commands", async (t) => {
  const { dealer, peer } = await dealerAndPeer(t);
  peer.write(
    frame("a", 0x01), frame("b", 0x01, true), frame("", 0x01, true), frame("c", 0x00, true), // 01 03 03 02
    command("PING", pingData(0, Buffer.from("short"))), // 04
    command("PING", pingData(0, Buffer.from("long")), true), // 06
    frame("d", 0x00), // 00
  );
  assert.deepEqual((await within(dealer.receive(), 3000, "message 1")).map(String), ["a", "b", "", "c"]);
  assert.deepEqual((await within(dealer.receive(), 3000, "message 2")).map(String), ["d"]);
  const p1 = await peer.readCommand();
  const p2 = await peer.readCommand();
  assert.deepEqual([p1.name, p1.data.toString(), p2.name, p2.data.toString()], ["PONG", "short", "PONG", "long"]);
});

test("we send bodies up to 255 octets in the short form and 256 in the long form", async (t) => {
  const { dealer, peer } = await dealerAndPeer(t);
  await dealer.send([Buffer.alloc(255, 1), Buffer.alloc(256, 2), Buffer.alloc(0)]);
  const head1 = await peer.read(2);
  assert.equal(head1.toString("hex"), "01ff");
  await peer.read(255);
  const head2 = await peer.read(9);
  assert.equal(head2.toString("hex"), "030000000000000100");
  await peer.read(256);
  assert.equal((await peer.read(2)).toString("hex"), "0000");
});

test("a 255-octet and a 256-octet frame from the peer arrive intact, whatever the form", async (t) => {
  const { dealer, peer } = await dealerAndPeer(t);
  peer.write(frame(Buffer.alloc(255, 7), 0x01), frame(Buffer.alloc(256, 8), 0x01), frame(Buffer.alloc(255, 9), 0x00, true));
  const msg = await within(dealer.receive(), 3000, "the message");
  assert.deepEqual(msg.map((p) => p.length), [255, 256, 255]);
  assert.ok(msg[1]!.every((x) => x === 8));
});

test("unknown commands, PONG and READY after the handshake are ignored", async (t) => {
  const { dealer, peer } = await dealerAndPeer(t);
  peer.write(command("X-WHATEVER", Buffer.from("data")), command("PONG"), command("READY"), command("Z"), message(["after"]));
  assert.deepEqual((await within(dealer.receive(), 3000, "the message")).map(String), ["after"]);
  assert.equal(peer.isClosed, false);
});

test("a command between the frames of a message is handled on its own; the message arrives whole", async (t) => {
  const { dealer, peer } = await dealerAndPeer(t);
  peer.write(frame("part1", 0x01), command("PING", pingData(0, Buffer.from("mid"))), command("X-UNKNOWN"), frame("part2", 0x00));
  const pong = await within(peer.readCommand(), 3000, "PONG");
  assert.deepEqual([pong.name, pong.data.toString()], ["PONG", "mid"]);
  assert.deepEqual((await within(dealer.receive(), 3000, "the message")).map(String), ["part1", "part2"]);
});

test("an ERROR command after the handshake ends the connection with a disconnect carrying EPEERERROR", async (t) => {
  const { dealer, peer } = await dealerAndPeer(t);
  const disconnect = nextEvent(dealer, "disconnect");
  peer.write(command("ERROR", Buffer.concat([Buffer.from([4]), Buffer.from("bye!")])));
  await peer.waitClosed();
  const e = await within(disconnect, 3000, "disconnect");
  assert.equal(e.error?.code, "EPEERERROR");
  assert.match(e.error!.message, /bye!/);
});

test("an oversize frame closes that connection only; another connection on the socket keeps working", async (t) => {
  const { dealer, endpoint, peer: bad } = await dealerAndPeer(t, { maxMessageSize: 300 });
  const good = await RawPeer.connect(endpoint);
  t.after(() => good.destroy());
  await within(good.handshake("DEALER"), 3000, "second handshake");
  const disconnect = nextEvent(dealer, "disconnect");
  // Only the header and a few octets of a 301-octet frame: refused from the header.
  bad.write(frame("ok", 0x00), frame(Buffer.alloc(301), 0x00).subarray(0, 20));
  await bad.waitClosed();
  assert.equal((await within(disconnect, 3000, "disconnect")).error?.code, "EMSGSIZE");
  assert.deepEqual((await within(dealer.receive(), 3000, "the message before")).map(String), ["ok"]);
  good.write(frame(Buffer.alloc(300, 3), 0x00));
  assert.equal((await within(dealer.receive(), 3000, "the good message"))[0]!.length, 300);
  await dealer.send("still here");
  assert.deepEqual((await good.readMessage()).map(String), ["still here"]);
});

test("garbage (reserved flag bits, COMMAND|MORE, a bad command) closes that connection without affecting others", async (t) => {
  const dealer = new Dealer();
  const endpoint = await bound(t, dealer);
  const good = await RawPeer.connect(endpoint);
  t.after(() => good.destroy());
  await within(good.handshake("DEALER"), 3000, "handshake");
  for (const garbage of [
    Buffer.from([0xff, 0x01, 0x02]),
    Buffer.from([0x08, 0x00]),
    Buffer.from([0x05, 0x00]),
    frame(Buffer.from([0x00]), 0x04), // command with an empty name
    command("PING", Buffer.from([0x00])), // PING without its TTL
    frame(Buffer.from([0x09, 0x41]), 0x04), // name runs past the frame
  ]) {
    const bad = await RawPeer.connect(endpoint);
    try {
      await within(bad.handshake("DEALER"), 3000, "handshake");
      const disconnect = nextEvent(dealer, "disconnect");
      bad.write(frame("half", 0x01), garbage);
      await bad.waitClosed();
      assert.equal((await within(disconnect, 3000, "disconnect")).error?.code, "EPROTO");
    } finally {
      bad.destroy();
    }
  }
  good.write(message(["fine", "thanks"]));
  assert.deepEqual((await within(dealer.receive(), 3000, "the message")).map(String), ["fine", "thanks"]);
  assert.equal(dealer.readable, false, "no half message of a dropped peer was delivered");
});
