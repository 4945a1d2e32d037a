/**
 * Raw peers against the greeting phase: what we send, and what we accept
 * (partial greetings, padding, minor and major versions) or refuse.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Reply } from "../../../src/index.js";
import { RawListener, RawPeer, greetingBytes, message, nextEvent, ready, within } from "./raw-peer.js";

/** Checks a greeting as we must send it for NULL. */
function assertOurGreeting(g: Buffer): void {
  assert.equal(g.length, 64);
  assert.equal(g[0], 0xff);
  assert.equal(g.subarray(1, 9).toString("hex"), "0000000000000001");
  assert.equal(g[9], 0x7f);
  assert.equal(g[10], 3);
  assert.equal(g[11], 1);
  assert.equal(g.toString("latin1", 12, 32), "NULL" + "\0".repeat(16));
  assert.equal(g[32], 0);
  assert.ok(g.subarray(33).every((x) => x === 0));
}

async function boundReply(t: { after(fn: () => void): void }): Promise<{ rep: Reply; endpoint: string }> {
  const rep = new Reply();
  t.after(() => rep.close());
  await rep.bind("tcp://127.0.0.1:0");
  return { rep, endpoint: rep.lastEndpoint! };
}

test("the accepting side sends its 64-octet greeting without waiting for ours", async (t) => {
  const { endpoint } = await boundReply(t);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  assertOurGreeting(await within(peer.read(64), 3000, "the greeting"));
  // Nothing more until we send our greeting: READY waits for it.
  assert.equal(peer.pending, 0);
});

test("the connecting side sends its greeting, and READY only after ours", async (t) => {
  const listener = await RawListener.listen();
  t.after(() => listener.close());
  const dealer = new Dealer();
  t.after(() => dealer.close());
  dealer.connect(listener.endpoint);
  const peer = await listener.accept();
  assertOurGreeting(await peer.read(64));
  peer.write(greetingBytes());
  const cmd = await peer.readCommand();
  assert.equal(cmd.name, "READY");
});

test("a greeting and READY sent one octet at a time complete the handshake", async (t) => {
  const { rep, endpoint } = await boundReply(t);
  const peer = await RawPeer.connect(endpoint);
  t.after(() => peer.destroy());
  const handshake = nextEvent(rep, "handshake");
  await peer.writeBytewise(Buffer.concat([greetingBytes(), ready([["Socket-Type", "REQ"]]), message(["", "ping"])]));
  await within(handshake, 3000, "handshake");
  assert.deepEqual((await within(rep.receive(), 3000, "the request")).map(String), ["ping"]);
});

test("non-zero padding, minors 0/1/2 and major 4 are all accepted", async (t) => {
  const { rep, endpoint } = await boundReply(t);
  const cases = [
    { padding: Buffer.from("\xff\xff\xff\xff\xff\xff\xff\xff", "latin1") },
    { padding: Buffer.from("garbage!") },
    { minor: 0 },
    { minor: 1 },
    { minor: 2 },
    { major: 4, minor: 0 },
  ];
  for (const [i, g] of cases.entries()) {
    const peer = await RawPeer.connect(endpoint);
    try {
      const props = await within(peer.handshake("REQ", [], g), 3000, `handshake ${i}`);
      assert.equal(props.get("Socket-Type")?.toString(), "REP");
      peer.write(message(["", `req ${i}`]));
      assert.deepEqual((await within(rep.receive(), 3000, "a request")).map(String), [`req ${i}`]);
      await rep.send(`rep ${i}`);
      assert.deepEqual((await peer.readMessage()).map(String), ["", `rep ${i}`]);
    } finally {
      peer.destroy();
    }
  }
});

test("a wrong signature, an old major version or another mechanism closes the connection with a protocol error", async (t) => {
  const { rep, endpoint } = await boundReply(t);
  const bad = [
    Buffer.from([0x01, 0x00]), // ZMTP 1.0 style length prefix
    Buffer.concat([Buffer.from([0xff]), Buffer.alloc(8), Buffer.from([0x7e])]), // octet 9 without bit 0
    greetingBytes({ major: 2 }),
    greetingBytes({ mechanism: "PLAIN" }),
    greetingBytes({ mechanism: "CURVE" }),
  ];
  for (const bytes of bad) {
    const peer = await RawPeer.connect(endpoint);
    try {
      const err = nextEvent(rep, "handshake:error:protocol");
      peer.write(bytes);
      await peer.waitClosed();
      const e = await within(err, 3000, "handshake:error:protocol");
      assert.ok(e.error, "the event carries the error");
    } finally {
      peer.destroy();
    }
  }
});
