/**
 * PUSH/PULL between purezmq sockets (RFC 30): round-robin out, fair-queue
 * in, PUSH blocking (never dropping) at the HWM, messages queued while the
 * peer is not there yet, `immediate`, and ENOTSUP for the direction a
 * socket type does not have.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Pull, Push, type Event, type Socket } from "../../../src/index.js";
import { withDeadline as within } from "../../support/deadline.js";
import { closing } from "../../support/sockets.js";
import { ipcTestPath } from "../../support/ipc-path.js";

function events(s: Socket, type: Event["type"], count: number): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const on = (): void => {
      if (++n < count) return;
      s.events.off(type, on);
      resolve();
    };
    s.events.on(type, on);
  });
}

const ipc = (): string => `ipc://${ipcTestPath("pipeline")}`;

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  const address = (): string =>
    transport === "tcp" ? "tcp://127.0.0.1:0" : transport === "ipc" ? ipc() : `inproc://pipeline-${randomBytes(6).toString("hex")}`;

  test(`${transport}: PUSH round-robins over three PULLs`, async (t) => {
    const push = closing(t, new Push());
    await push.bind(address());
    const pulls = [0, 1, 2].map(() => closing(t, new Pull()));
    const joined = events(push, "handshake", 3);
    for (const p of pulls) p.connect(push.lastEndpoint!);
    await within(joined, 5000, "three handshakes");
    for (let i = 0; i < 30; i++) await push.send(["task", String(i)]);
    const got = await Promise.all(pulls.map(async (p) => {
      const mine: number[] = [];
      for (let i = 0; i < 10; i++) mine.push(Number((await within(p.receive(), 5000, "a task"))[1]!.toString()));
      return mine;
    }));
    assert.deepEqual(got.flat().sort((a, b) => a - b), [...Array(30).keys()], "each task once");
    for (const mine of got) {
      assert.equal(mine.length, 10);
      for (let i = 1; i < mine.length; i++) assert.equal(mine[i]! - mine[i - 1]!, 3, `strict rotation: ${mine.join(",")}`);
    }
    for (const p of pulls) assert.equal(p.readable, false, "nobody got more than its share");
  });

  test(`${transport}: PULL fair-queues from two PUSHes, each one's order kept`, async (t) => {
    const pull = closing(t, new Pull());
    await pull.bind(address());
    const pushes = [0, 1].map(() => closing(t, new Push()));
    for (const p of pushes) p.connect(pull.lastEndpoint!);
    await Promise.all(pushes.map(async (p, who) => {
      for (let i = 0; i < 200; i++) await p.send([String(who), String(i)]);
    }));
    const last = [-1, -1];
    for (let i = 0; i < 400; i++) {
      const [who, n] = (await within(pull.receive(), 5000, "a message")).map(String);
      assert.equal(Number(n), last[Number(who)]! + 1, "per-sender order");
      last[Number(who)] = Number(n);
    }
    assert.deepEqual(last, [199, 199]);
  });

  test(`${transport}: a connect-side PUSH queues up to its HWM before the PULL exists, blocks past it, then delivers in order`, async (t) => {
    const addr = transport === "tcp" ? undefined : address();
    // tcp: find a free port, then leave it unbound until the PULL takes it.
    let endpoint = addr;
    if (!endpoint) {
      const probe = new Pull();
      await probe.bind("tcp://127.0.0.1:0");
      endpoint = probe.lastEndpoint!;
      probe.close();
    }
    const push = closing(t, new Push({ sendHighWaterMark: 5, sendTimeout: 100, reconnectInterval: 20 }));
    push.connect(endpoint);
    for (let i = 0; i < 5; i++) await push.send(["m", String(i), "multi", "part"]);
    await assert.rejects(push.send("sixth"), { code: "EAGAIN" }, "PUSH blocks (never drops) at the HWM");
    const pull = closing(t, new Pull());
    await pull.bind(endpoint);
    push.sendTimeout = 5000;
    await push.send(["m", "5", "multi", "part"]);
    for (let i = 0; i < 6; i++) {
      assert.deepEqual((await within(pull.receive(), 5000, `message ${i}`)).map(String), ["m", String(i), "multi", "part"]);
    }
  });

  test(`${transport}: a PUSH without peers waits, and sends once one connects`, async (t) => {
    const push = closing(t, new Push());
    await push.bind(address());
    let sent = false;
    const sending = push.send("waiting").then(() => (sent = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sent, false, "no peer: the send waits");
    assert.equal(push.writable, false);
    const pull = closing(t, new Pull());
    pull.connect(push.lastEndpoint!);
    await within(sending, 5000, "the send");
    assert.deepEqual((await within(pull.receive(), 5000, "message")).map(String), ["waiting"]);
  });
}

test("immediate: a connect-side PUSH does not queue before the connection exists", async (t) => {
  const endpoint = ipc();
  const push = closing(t, new Push({ immediate: true, sendTimeout: 50, reconnectInterval: 20 }));
  push.connect(endpoint);
  await assert.rejects(push.send("early"), { code: "EAGAIN" });
  const pull = closing(t, new Pull());
  const up = events(push, "handshake", 1);
  await pull.bind(endpoint);
  await within(up, 5000, "handshake");
  await push.send("late");
  assert.deepEqual((await within(pull.receive(), 5000, "message")).map(String), ["late"]);
});

test("PUSH cannot receive and PULL cannot send: ENOTSUP", async (t) => {
  const push = closing(t, new Push());
  const pull = closing(t, new Pull());
  await assert.rejects(push.receive(), { code: "ENOTSUP" });
  await assert.rejects(pull.send("x"), { code: "ENOTSUP" });
  assert.equal(pull.writable, false);
  assert.equal(push.readable, false);
});
