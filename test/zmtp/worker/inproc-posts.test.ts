/**
 * The posts of a cross-thread inproc link, watched from outside: a test
 * channel of the same name receives what both ends post. Every post is
 * numbered, a side never has more than POSTS_IN_FLIGHT batches unacknowledged
 * (Deno's shared broadcast ring loses posts past 256), and a gap in the
 * numbers ends the link.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { BroadcastChannel, Worker } from "node:worker_threads";
import { Push } from "../../../src/index.js";
import { LINK_PREFIX, POSTS_IN_FLIGHT, REGISTRY, packMessages } from "../../../src/zmtp/transport/inproc-thread.js";

const ROLES = new URL("./roles-worker.js", import.meta.url);

type Post = { t: string; s?: number; p?: number };

/** Connects a PUSH to a worker's "count-pull"; resolves once a test channel listens on the link. */
async function watchedLink(t: { after(fn: () => void): void }, hwm: number, count: number) {
  const where = `inproc://posts-${randomBytes(6).toString("hex")}`;
  const worker = new Worker(ROLES, { workerData: { role: "count-pull", name: where, count, hwm } });
  t.after(() => void worker.terminate());
  assert.deepEqual(await once(worker, "message"), ["bound"]);
  const registry = new BroadcastChannel(REGISTRY);
  const push = new Push({ sendHighWaterMark: 1 });
  t.after(() => push.close());
  // The connect is announced on the registry; its link id names the link's channel.
  const announced = new Promise<string>((resolve) => {
    registry.onmessage = (e) => {
      const m = (e as MessageEvent).data as { op: string; name: string; link: string };
      if (m.op === "connect" && m.name === where.slice("inproc://".length)) resolve(m.link);
    };
  });
  push.connect(where);
  const link = new BroadcastChannel(LINK_PREFIX + (await announced));
  registry.close();
  const posts: Post[] = [];
  link.onmessage = (e) => posts.push((e as MessageEvent).data as Post);
  t.after(() => link.close());
  await new Promise<void>((resolve) => push.events.on("handshake", () => resolve()));
  return { push, worker, link, posts };
}

test("a stream of one-message batches keeps its posts numbered and at most POSTS_IN_FLIGHT unacknowledged", async (t) => {
  const COUNT = 5000;
  const { push, worker, posts } = await watchedLink(t, 1000, COUNT);
  const result = once(worker, "message");
  for (let i = 0; i < COUNT; i++) await push.send(`m${i}`);
  assert.deepEqual(await result, [COUNT], "every message arrived, in order");
  const batches = posts.filter((p) => p.t === "m");
  const grants = posts.filter((p) => p.t === "c");
  assert.deepEqual(batches.map((p) => p.s), batches.map((_, i) => i), "the sender numbers its posts 0, 1, 2...");
  assert.deepEqual(grants.map((p) => p.s), grants.map((_, i) => i), "so does the receiver");
  let inFlight = 0;
  let most = 0;
  for (const p of posts) {
    if (p.t === "m") most = Math.max(most, ++inFlight);
    if (p.t === "c") inFlight -= p.p!;
  }
  // This channel sees a grant at its own time, possibly after the sender
  // did: allow it half a window of lag behind the sender's own count.
  assert.ok(most <= POSTS_IN_FLIGHT * 1.5, `${most} batches unacknowledged at once`);
  assert.ok(most >= POSTS_IN_FLIGHT / 2, `${most}: the stream never filled the posts' window, so this proves nothing`);
});

test("a post out of sequence ends the link at both ends, as a close would", { timeout: 10_000 }, async (t) => {
  const { push, link, posts } = await watchedLink(t, 10, 1000);
  for (let i = 0; i < 3; i++) await push.send(`m${i}`);
  const closes = () => posts.filter((p) => p.t === "close").length;
  assert.equal(closes(), 0);
  // A post numbered far ahead, as after posts lost in between.
  link.postMessage({ t: "m", s: 1_000_000, b: packMessages([[Buffer.from("forged")]]) });
  while (closes() < 2) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closes(), 2, "each end saw the gap and closed its side");
});
