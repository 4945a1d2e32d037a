/**
 * Raw peers against the request-reply patterns (RFC 28) at the octet level:
 * REQ's empty delimiter, REP's envelope handling, ROUTER routing ids.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pair, Reply, Request, Router, type Socket } from "../../../src/index.js";
import { RawListener, RawPeer, greetingBytes, message, nextEvent, ready, within } from "./raw-peer.js";

async function bound<S extends Socket>(t: { after(fn: () => void): void }, sock: S): Promise<string> {
  t.after(() => sock.close());
  await sock.bind("tcp://127.0.0.1:0");
  return sock.lastEndpoint!;
}

test("REQ puts an empty delimiter frame on the wire before the request, and takes the reply after it", async (t) => {
  const req = new Request();
  const peer = await RawPeer.connect(await bound(t, req));
  t.after(() => peer.destroy());
  await within(peer.handshake("REP"), 3000, "handshake");
  await req.send(["hello", "world"]);
  const wire = await peer.read(2 + 7 + 7);
  assert.equal(wire.toString("hex"), "0100" + "0105" + Buffer.from("hello").toString("hex") + "0005" + Buffer.from("world").toString("hex"));
  peer.write(message(["", "reply"]));
  assert.deepEqual((await within(req.receive(), 3000, "the reply")).map(String), ["reply"]);
});

test("REQ connecting to a raw REP sends the same envelope", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const req = new Request();
  t.after(() => req.close());
  req.connect(listener.endpoint);
  const send = req.send("q");
  const peer = await listener.accept();
  await peer.read(64);
  peer.write(greetingBytes({ minor: 0 }), ready([["Socket-Type", "REP"]]));
  assert.equal((await peer.readCommand()).name, "READY");
  await send;
  assert.deepEqual(await peer.readMessage(), [Buffer.alloc(0), Buffer.from("q")]);
});

test("REP strips the whole envelope from the request and puts it back on the reply", async (t) => {
  const rep = new Reply();
  const peer = await RawPeer.connect(await bound(t, rep));
  t.after(() => peer.destroy());
  await within(peer.handshake("DEALER"), 3000, "handshake");
  const hop1 = Buffer.from([0, 0, 0, 0, 7]);
  const hop2 = Buffer.from("hop-2");
  peer.write(message([hop1, hop2, "", "request", "part2"]));
  assert.deepEqual((await within(rep.receive(), 3000, "the request")).map(String), ["request", "part2"]);
  await rep.send(["reply", "r2"]);
  const back = await within(peer.readMessage(), 3000, "the reply");
  assert.deepEqual(back.map((b) => b.toString("hex")), [hop1, hop2, Buffer.alloc(0), Buffer.from("reply"), Buffer.from("r2")].map((b) => b.toString("hex")));
});

test("REP drops a request without a delimiter and serves the next one", async (t) => {
  const rep = new Reply();
  const peer = await RawPeer.connect(await bound(t, rep));
  t.after(() => peer.destroy());
  await within(peer.handshake("DEALER"), 3000, "handshake");
  peer.write(message(["no-envelope"]), message(["", "good"]));
  assert.deepEqual((await within(rep.receive(), 3000, "the request")).map(String), ["good"]);
});

test("ROUTER names peers without Identity 00 + uint32 (consecutive), and uses an Identity when given", async (t) => {
  const router = new Router();
  const endpoint = await bound(t, router);
  const a = await RawPeer.connect(endpoint);
  const b = await RawPeer.connect(endpoint);
  const c = await RawPeer.connect(endpoint);
  t.after(() => [a, b, c].forEach((p) => p.destroy()));
  await within(a.handshake("DEALER", [["Identity", ""]]), 3000, "handshake a");
  a.write(message(["from-a"]));
  const ma = await within(router.receive(), 3000, "a's message");
  await within(b.handshake("REQ"), 3000, "handshake b");
  b.write(message(["", "from-b"]));
  const mb = await within(router.receive(), 3000, "b's message");
  await within(c.handshake("DEALER", [["identity", "named-peer"]]), 3000, "handshake c");
  c.write(message(["from-c"]));
  const mc = await within(router.receive(), 3000, "c's message");

  for (const m of [ma, mb]) {
    assert.equal(m[0]!.length, 5);
    assert.equal(m[0]![0], 0);
  }
  assert.equal(mb[0]!.readUInt32BE(1), (ma[0]!.readUInt32BE(1) + 1) >>> 0);
  assert.deepEqual(ma.slice(1).map(String), ["from-a"]);
  assert.deepEqual(mb.slice(1).map(String), ["", "from-b"]);
  assert.deepEqual(mc.map(String), ["named-peer", "from-c"]);

  // Routing back by those ids reaches the right raw peer, without the id frame.
  await router.send([mc[0]!, "to-c"]);
  await router.send([ma[0]!, "to-a"]);
  await router.send([mb[0]!, "", "to-b"]);
  assert.deepEqual((await c.readMessage()).map(String), ["to-c"]);
  assert.deepEqual((await a.readMessage()).map(String), ["to-a"]);
  assert.deepEqual((await b.readMessage()).map(String), ["", "to-b"]);
});

test("PAIR talks to one raw PAIR peer; a second is refused at its handshake and the first keeps working", async (t) => {
  const pair = new Pair();
  const endpoint = await bound(t, pair);
  const first = await RawPeer.connect(endpoint);
  t.after(() => first.destroy());
  await within(first.handshake("PAIR"), 3000, "first handshake");
  first.write(message(["one", "two"]));
  assert.deepEqual((await within(pair.receive(), 3000, "first message")).map(String), ["one", "two"]);

  const second = await RawPeer.connect(endpoint);
  t.after(() => second.destroy());
  const refused = nextEvent(pair, "handshake:error:protocol");
  second.write(greetingBytes(), ready([["Socket-Type", "PAIR"]]), message(["intruder"]));
  await second.waitClosed();
  await within(refused, 3000, "handshake:error:protocol");

  await pair.send("back");
  assert.deepEqual((await first.readMessage()).map(String), ["back"]);
  first.write(message(["three"]));
  assert.deepEqual((await within(pair.receive(), 3000, "next message")).map(String), ["three"]);
});
