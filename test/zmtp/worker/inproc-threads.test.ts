/**
 * inproc:// between worker_threads: the default context's names are
 * process-wide. The main thread binds, workers connect (and the reverse),
 * with flow control keeping memory bound by the high-water marks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { Pull, Push, XPublisher } from "../../../src/index.js";
import { packMessages, unpackMessages } from "../../../src/zmtp/transport/inproc-thread.js";

const WORKER = new URL("./pipeline-worker.js", import.meta.url);

function name(what: string): string {
  return `inproc://${what}-${randomBytes(6).toString("hex")}`;
}

test("packed message batches unpack to the same parts, including empty ones", () => {
  const msgs = [[Buffer.from("a"), Buffer.alloc(0), Buffer.alloc(300, 7)], [Buffer.alloc(0)], [Buffer.from("last")]];
  const back = unpackMessages(packMessages(msgs));
  assert.deepEqual(back.map((m) => m.map((p) => p.toString("hex"))), msgs.map((m) => m.map((p) => p.toString("hex"))));
  assert.deepEqual(unpackMessages(packMessages([])), []);
});

test("main PUSHes 10,000 tasks over inproc to 2 worker PULLs; every result comes back exactly once", async (t) => {
  const TASKS = 10_000;
  const tasks = name("tasks");
  const results = name("results");
  const push = new Push({ sendHighWaterMark: 100 });
  const pull = new Pull({ receiveHighWaterMark: 100 });
  t.after(() => {
    push.close();
    pull.close();
  });
  await push.bind(tasks);
  await pull.bind(results);
  let linked = 0;
  const bothLinked = new Promise<void>((resolve) => push.events.on("handshake", () => ++linked === 2 && resolve()));
  const workers = [0, 1].map((id) => new Worker(WORKER, { workerData: { tasks, results, id } }));
  const exited = workers.map((w) => once(w, "exit"));
  t.after(() => workers.forEach((w) => void w.terminate()));

  const seen = new Map<number, bigint>();
  const perWorker = [0, 0];
  const collect = (async () => {
    while (seen.size < TASKS) {
      const [out, id] = await pull.receive();
      const n = out!.readUInt32BE(0);
      assert.ok(!seen.has(n), `result ${n} arrived twice`);
      seen.set(n, out!.readBigUInt64BE(4));
      perWorker[Number(id!.toString())]!++;
    }
  })();
  await bothLinked; // so that the split can be checked
  for (let i = 0; i < TASKS; i++) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(i, 0);
    await push.send(b);
  }
  await collect;
  for (let i = 0; i < TASKS; i++) assert.equal(seen.get(i), BigInt(i) * BigInt(i), `result of task ${i}`);
  // Both workers took part (round-robin once both are linked).
  assert.ok(perWorker[0]! > 0 && perWorker[1]! > 0, `work split ${perWorker.join("/")}`);
  await push.send("stop");
  await push.send("stop");
  await Promise.all(exited);
});

const ROLES = new URL("./roles-worker.js", import.meta.url);

test("a worker binds, main connects first; credit keeps the link within sndhwm + 2 x rcvhwm, then all arrive in order", async (t) => {
  const where = name("slow");
  const push = new Push({ sendHighWaterMark: 10, sendTimeout: 300 });
  t.after(() => push.close());
  push.connect(where); // before anyone binds it
  const worker = new Worker(ROLES, { workerData: { role: "slow-pull", name: where } });
  const exited = once(worker, "exit");
  t.after(() => void worker.terminate());
  const [bound] = await once(worker, "message");
  assert.equal(bound, "bound");
  let sent = 0;
  for (;;) {
    try {
      await push.send(`m${sent}`);
      sent++;
    } catch (err) {
      assert.equal((err as { code?: string }).code, "EAGAIN");
      break;
    }
    assert.ok(sent <= 30, `${sent} messages accepted: the receiver's HWM does not bound the link`);
  }
  assert.ok(sent > 10, `only ${sent} sent: nothing crossed to the worker`);
  t.diagnostic(`a stalled cross-thread PULL (rcvhwm 10) let a PUSH (sndhwm 10) queue ${sent} messages`);
  const done = once(worker, "message");
  worker.postMessage({ go: sent });
  const [got] = (await done) as [string[]];
  assert.deepEqual(got, Array.from({ length: sent }, (_, i) => `m${i}`));
  await exited;
});

/** Main PUSHes `count` messages to a worker's "count-pull"; resolves how many arrived in order. */
async function streamToWorker(t: { after(fn: () => void): void }, role: Record<string, number>, count: number): Promise<number> {
  const where = name("stream");
  const worker = new Worker(ROLES, { workerData: { role: "count-pull", name: where, count, ...role } });
  const exited = once(worker, "exit");
  t.after(() => void worker.terminate());
  const [bound] = await once(worker, "message");
  assert.equal(bound, "bound");
  const push = new Push({ sendHighWaterMark: 1 });
  t.after(() => push.close());
  push.connect(where);
  const result = once(worker, "message");
  // A credit grant that never comes leaves a send() pending: the test's timeout fails it.
  for (let i = 0; i < count; i++) await push.send(`m${i}`);
  const [inOrder] = (await result) as [number];
  await exited;
  return inOrder;
}

test("credit granted by half windows never stalls a stream, whatever the receive HWM (1, 2, 3, 7, 1000)", { timeout: 60_000 }, async (t) => {
  for (const hwm of [1, 2, 3, 7, 1000]) {
    assert.equal(await streamToWorker(t, { hwm }, 5000), 5000, `rcvhwm ${hwm}`);
  }
});

test("a receive HWM lifted after the link was made (10 -> 0) keeps granting the credit the sender counts on", { timeout: 30_000 }, async (t) => {
  assert.equal(await streamToWorker(t, { hwm: 10, unlimitAfter: 5 }, 2000), 2000);
});

test("XPUB in main, SUB in a worker: the subscription crosses threads and filters", async (t) => {
  const where = name("pubsub");
  const pub = new XPublisher();
  t.after(() => pub.close());
  await pub.bind(where);
  const worker = new Worker(ROLES, { workerData: { role: "sub", name: where } });
  const exited = once(worker, "exit");
  t.after(() => void worker.terminate());
  const result = once(worker, "message");
  assert.deepEqual(await pub.receive(), [Buffer.from("\x01t", "latin1")], "the worker's subscription arrived");
  for (let i = 0; i < 3; i++) {
    await pub.send(["x", String(i)]);
    await pub.send(["t", String(i)]);
  }
  const [got] = (await result) as [string[]];
  assert.deepEqual(got, ["t|0", "t|1", "t|2"], "only the subscribed topic, in order");
  await exited;
});
