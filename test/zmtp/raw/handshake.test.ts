/**
 * Raw peers against the NULL handshake: READY properties, socket-type
 * checks, frames out of place, ERROR, and the handshake deadline.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Pair, Reply, Request, Router, type Socket } from "../../../src/index.js";
import {
  RawListener, RawPeer, command, frame, greetingBytes, message, nextEvent, properties, ready, within,
} from "./raw-peer.js";
import { ourError } from "../../support/our-error.js";

async function bound<S extends Socket>(t: { after(fn: () => void): void }, sock: S): Promise<string> {
  t.after(() => sock.close());
  await sock.bind("tcp://127.0.0.1:0");
  return sock.lastEndpoint!;
}

test("DEALER with an empty routing id sends READY exactly as the spec example", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const dealer = new Dealer();
  t.after(() => dealer.close());
  dealer.connect(listener.endpoint);
  const peer = await listener.accept();
  await peer.read(64);
  peer.write(greetingBytes());
  const f = await peer.readFrame();
  const expected = Buffer.concat([
    Buffer.from([0x04, 0x29, 0x05]), Buffer.from("READY"),
    Buffer.from([0x0b]), Buffer.from("Socket-Type"), Buffer.from([0, 0, 0, 6]), Buffer.from("DEALER"),
    Buffer.from([0x08]), Buffer.from("Identity"), Buffer.from([0, 0, 0, 0]),
  ]);
  assert.equal(Buffer.concat([Buffer.from([f.flags, f.body.length]), f.body]).toString("hex"), expected.toString("hex"));
});

test("REQ and ROUTER send their routing id as Identity; REP and PAIR send no Identity", async (t) => {
  for (const [sock, type, id] of [
    [new Request({ routingId: "req-1" }), "REP", "req-1"],
    [new Router({ routingId: "rtr" }), "DEALER", "rtr"],
    [new Reply(), "REQ", undefined],
    [new Pair(), "PAIR", undefined],
  ] as const) {
    const endpoint = await bound(t, sock);
    const peer = await RawPeer.connect(endpoint);
    try {
      const props = await within(peer.handshake(type), 3000, "handshake");
      assert.equal(props.get("Socket-Type")?.toString(), sock.socketType);
      assert.equal(props.get("Identity")?.toString(), id);
    } finally {
      peer.destroy();
    }
  }
});

test("READY with mixed-case names, extra, X- and empty properties is accepted", async (t) => {
  const rep = new Reply();
  const endpoint = await bound(t, rep);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  const handshake = nextEvent(rep, "handshake");
  peer.write(
    greetingBytes(),
    command("READY", properties([
      ["socket-TYPE", "REQ"], ["Resource", "/x"], ["X-Trace", "abc"], ["Empty", ""], ["identity", ""], ["Unknown-Thing", Buffer.alloc(300, 1)],
    ]), true),
    message(["", "hello"]),
  );
  await within(handshake, 3000, "handshake");
  assert.deepEqual((await within(rep.receive(), 3000, "the request")).map(String), ["hello"]);
});

test("READY without Socket-Type closes the connection with a protocol error and delivers nothing", async (t) => {
  const rep = new Reply();
  const endpoint = await bound(t, rep);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  const err = nextEvent(rep, "handshake:error:protocol");
  peer.write(greetingBytes(), ready([["Identity", ""]]), message(["", "x"]));
  await peer.waitClosed();
  assert.equal(ourError(await within(err, 3000, "the error event"))?.code, "ESOCKETTYPE");
  assert.equal(rep.readable, false);
});

test("a PUB-typed peer to a REP is closed with handshake:error:protocol and no message is delivered", async (t) => {
  const rep = new Reply();
  const endpoint = await bound(t, rep);
  let handshakes = 0;
  rep.events.on("handshake", () => handshakes++);
  for (const type of ["PUB", "REP", "ROUTER", "PAIR", "req", "NOPE"]) {
    const peer = await RawPeer.connect(endpoint);
    try {
      const err = nextEvent(rep, "handshake:error:protocol");
      peer.write(greetingBytes(), ready([["Socket-Type", type]]), message(["", "sneaky"]));
      await peer.waitClosed();
      const e = await within(err, 3000, "handshake:error:protocol");
      assert.equal(ourError(e)?.code, "ESOCKETTYPE", type);
    } finally {
      peer.destroy();
    }
  }
  assert.equal(handshakes, 0);
  assert.equal(rep.readable, false);
});

test("a message frame before the handshake closes the connection", async (t) => {
  const rep = new Reply();
  const endpoint = await bound(t, rep);
  for (const early of [message(["", "early"]), frame("x", 0x01)]) {
    const peer = await RawPeer.connect(endpoint);
    try {
      const err = nextEvent(rep, "handshake:error:protocol");
      peer.write(greetingBytes(), early, ready([["Socket-Type", "REQ"]]));
      await peer.waitClosed();
      await within(err, 3000, "handshake:error:protocol");
    } finally {
      peer.destroy();
    }
  }
  assert.equal(rep.readable, false);
});

test("ERROR during the handshake closes with the peer's reason; an unexpected command too", async (t) => {
  const dealer = new Dealer();
  const endpoint = await bound(t, dealer);
  const reason = Buffer.from("go away");
  for (const [cmd, code] of [
    [command("ERROR", Buffer.concat([Buffer.from([reason.length]), reason])), "EPEERERROR"],
    [command("HELLO"), "EMECHANISM"],
    [command("READY", Buffer.from([5, 0x41])), "EPROTO"], // truncated property
  ] as const) {
    const peer = await RawPeer.connect(endpoint);
    try {
      const err = nextEvent(dealer, "handshake:error:protocol");
      peer.write(greetingBytes(), cmd);
      await peer.waitClosed();
      const e = await within(err, 3000, "handshake:error:protocol");
      assert.equal(ourError(e)?.code, code);
      if (code === "EPEERERROR") assert.match(ourError(e)!.message, /go away/);
    } finally {
      peer.destroy();
    }
  }
});

test("a peer silent after its greeting is dropped at the handshake deadline", async (t) => {
  const dealer = new Dealer({ handshakeInterval: 150 });
  const endpoint = await bound(t, dealer);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  const err = nextEvent(dealer, "handshake:error:other");
  const start = Date.now();
  peer.write(greetingBytes().subarray(0, 20));
  await peer.waitClosed();
  assert.ok(Date.now() - start >= 100, "not before the deadline");
  assert.equal(ourError(await within(err, 3000, "handshake:error:other"))?.code, "ETIMEDOUT");
});

test("a peer whose handshake frame is over the handshake limit is closed before it is buffered", async (t) => {
  const dealer = new Dealer();
  const endpoint = await bound(t, dealer);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  const header = Buffer.alloc(9);
  header[0] = 0x06;
  header.writeBigUInt64BE(1n << 40n, 1);
  peer.write(greetingBytes(), header, Buffer.alloc(16));
  await peer.waitClosed();
});
