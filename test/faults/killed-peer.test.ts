/**
 * A peer killed mid-frame: a raw TCP peer that writes half a frame and is
 * destroyed, and a child process killed with SIGKILL while streaming large
 * messages. The surviving socket reports the disconnect, never delivers a
 * torn message, and keeps serving other peers.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { Pull, Router } from "../../src/index.js";
import { RawPeer, frame, message } from "../zmtp/raw/raw-peer.js";
import { nextEvent, track, withDeadline } from "../zmtp/sockets/helpers.js";
import { payloadOf } from "./pusher-child.js";

test("a raw peer that writes half a frame and is destroyed: disconnect, no torn message, others still served", async (t) => {
  const [router] = track(t, new Router({ receiveTimeout: 2000 }));
  await router.bind("tcp://127.0.0.1:0");
  const victim = await RawPeer.connect(router.lastEndpoint!);
  await victim.handshake("DEALER");
  // A whole first part with MORE, then half of the last part's body.
  const last = frame(Buffer.alloc(200, 7));
  const gone = nextEvent(router, "disconnect");
  victim.write(frame("part-1", 0x01), last.subarray(0, 100));
  victim.destroy();
  await gone;
  const healthy = await RawPeer.connect(router.lastEndpoint!);
  t.after(() => healthy.destroy());
  await healthy.handshake("DEALER");
  healthy.write(message(["whole"]));
  const msg = await router.receive();
  assert.deepEqual(msg.slice(1).map(String), ["whole"], "only the healthy peer's message arrives");
});

test("a child process killed with SIGKILL mid-stream: only whole messages arrive, the socket accepts a new peer", async (t) => {
  const [pull] = track(t, new Pull({ receiveTimeout: 5000 }));
  await pull.bind("tcp://127.0.0.1:0");
  const script = fileURLToPath(new URL("./pusher-child.js", import.meta.url));
  const spawnPusher = () => spawn(process.execPath, [script, pull.lastEndpoint!], { stdio: ["ignore", "pipe", "inherit"] });
  const child = spawnPusher();
  t.after(() => child.kill("SIGKILL"));
  let expected = 0;
  const check = (msg: Buffer[]): void => {
    assert.equal(msg.length, 2);
    const seq = msg[0]!.readUInt32BE(0);
    assert.equal(seq, expected++, "messages arrive in order, none lost in the middle");
    assert.ok(msg[1]!.equals(payloadOf(seq)), `message ${seq} is whole`);
  };
  // Kill it while large messages are in flight (several per TCP write).
  for (let i = 0; i < 20; i++) check(await pull.receive());
  const gone = nextEvent(pull, "disconnect");
  child.kill("SIGKILL");
  await once(child, "exit");
  await gone;
  // Whatever was fully received before the kill is still readable, and whole.
  pull.receiveTimeout = 0;
  for (;;) {
    let msg: Buffer[];
    try {
      msg = await pull.receive();
    } catch {
      break;
    }
    check(msg);
  }
  pull.receiveTimeout = 5000;
  const second = spawnPusher();
  t.after(() => second.kill("SIGKILL"));
  expected = 0;
  check(await withDeadline(pull.receive(), 10_000, "a message from a new child"));
  second.kill("SIGKILL");
  await once(second, "exit");
});
