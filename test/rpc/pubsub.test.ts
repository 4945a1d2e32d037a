/**
 * RpcPublisher and RpcSubscriber (LuaOverMQ publish-subscribe): the two
 * frames on the wire, prefix filtering with text and binary topics,
 * unsubscribe, values of every msgpack kind, malformed messages skipped,
 * either side binding over tcp and inproc, the silence watchdog, PLAIN.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Publisher, Subscriber } from "../../src/index.js";
import { DEFAULT_MAX_MESSAGE_BYTES, RpcProtocolError, RpcPublisher, RpcSubscriber, luaovermq, type RpcMessage } from "../../src/rpc/index.js";
import { msgpackValue } from "./codec/arbitraries.js";
import { inprocEndpoint, within } from "./helpers.js";
import { Inbox, eventually, nextUnprobed, probeUntil } from "./pubsub-helpers.js";
import { untilSubscribed } from "../zmtp/pubsub/helpers.js";

const PROBE = "probe";
const isProbe = (m: RpcMessage): boolean => m.value === PROBE;
const real = (items: readonly RpcMessage[]): RpcMessage[] => items.filter((m) => !isProbe(m));

/** A bound publisher, a connected subscriber with `topics`, and its inbox once a probe on `probeTopic` got through. */
async function pair(
  t: { after(fn: () => void): void },
  topics: Array<string | Uint8Array>,
  probeTopic: string | Uint8Array,
  address = "tcp://127.0.0.1:0",
): Promise<{ pub: RpcPublisher; sub: RpcSubscriber; inbox: Inbox<RpcMessage> }> {
  const pub = new RpcPublisher();
  const sub = new RpcSubscriber();
  t.after(() => (sub.close(), pub.close()));
  await pub.bind(address);
  sub.subscribe(...topics).connect(pub.endpoint!);
  const inbox = new Inbox<RpcMessage>(sub);
  await probeUntil(() => pub.publish(probeTopic, PROBE), () => inbox.items.some(isProbe), "subscription");
  return { pub, sub, inbox };
}

test("publish sends exactly [topic, msgpack(value)], as LuaOverMQ's pub:send", async (t) => {
  const pub = new RpcPublisher();
  const raw = new Subscriber({ linger: 0 });
  t.after(() => (raw.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  raw.subscribe("topic");
  raw.connect(pub.endpoint!);
  await untilSubscribed(pub.socket, raw, "topic");
  await pub.publish("topic", "Hello World!");
  const frames = await nextUnprobed(raw);
  assert.deepEqual(frames.map((f) => f.toString("hex")), [
    Buffer.from("topic").toString("hex"),
    Buffer.concat([Buffer.from([0xac]), Buffer.from("Hello World!")]).toString("hex"),
  ]);
});

test("prefix filtering: text and binary topics; values of every kind come back intact", async (t) => {
  const binaryTopic = Buffer.from([0x00, 0xff, 0x01]);
  const { pub, inbox } = await pair(t, ["price.", binaryTopic], "price.probe");
  const nested = { a: { b: { c: [1, 2, { d: "deep" }] } }, empty: {}, list: [] as unknown[], n: null, t: true };
  const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
  const sent: Array<[string | Buffer, unknown, boolean]> = [
    ["price.eur", nested, true],
    ["price", "no: shorter than the prefix", false],
    ["news.price.eur", "no: the prefix is not at the start", false],
    ["price.bin", binary, true],
    [Buffer.concat([binaryTopic, Buffer.from("x")]), 2n ** 60n, true],
    [Buffer.from([0x00, 0xfe]), "no: binary mismatch", false],
    ["price.mixed", [1.5, -7, "žluťoučký", -(2 ** 40), { "1": "lua key" }], true],
    ["price.end", "end", true],
  ];
  for (const [topic, value] of sent) await pub.publish(topic, value);
  await inbox.until((items) => items.some((m) => m.value === "end"), 5000, "the end marker");
  const got = real(inbox.items);
  const expected = sent.filter(([, , ok]) => ok);
  assert.equal(got.length, expected.length, JSON.stringify(got.map((m) => m.topic)));
  for (const [i, [topic, value]] of expected.entries()) {
    assert.deepEqual(got[i]!.topicBytes, Buffer.from(topic));
    assert.equal(got[i]!.topic, Buffer.from(topic).toString("utf8"));
    assert.deepEqual(got[i]!.value, value);
  }
  assert.ok(Buffer.isBuffer(got[1]!.value), "binary comes back as a Buffer");
});

test("unsubscribe stops delivery of that prefix only", async (t) => {
  const { pub, sub, inbox } = await pair(t, ["a", "b"], "a.probe");
  sub.unsubscribe("a");
  // A new subscription sent after the cancel: once it reaches the publisher, so has the cancel.
  sub.subscribe("c");
  await probeUntil(() => pub.publish("c.probe", PROBE), () => inbox.items.some((m) => m.topic === "c.probe"), "second subscription");
  await pub.publish("a.1", "no");
  await pub.publish("b.1", "yes");
  await pub.publish("c.end", "end");
  await inbox.until((items) => items.some((m) => m.value === "end"), 5000, "end");
  assert.deepEqual(real(inbox.items).map((m) => m.topic), ["b.1", "c.end"]);
});

test("a message that does not decode is skipped and reported; the next one arrives", async (t) => {
  const raw = new Publisher({ linger: 0 });
  const seen: Array<{ error: RpcProtocolError; parts: number }> = [];
  const sub = new RpcSubscriber({ onMalformed: (error, message) => seen.push({ error, parts: message.length }) });
  t.after(() => (sub.close(), raw.close()));
  await raw.bind("tcp://127.0.0.1:0");
  sub.subscribe("t").connect(raw.lastEndpoint!);
  const inbox = new Inbox<RpcMessage>(sub);
  await probeUntil(() => raw.send(luaovermq.encodePublish("t", PROBE)), () => inbox.items.length > 0, "subscription");
  await raw.send(["t", Buffer.from([0xc1])]); // 0xc1: never used in msgpack
  await raw.send(["t", luaovermq.encodeValue(1), "extra frame"]);
  await raw.send(["t"]);
  await raw.send(["t", Buffer.from([0x92, 0x01])]); // array of 2 with one element: truncated
  await raw.send(luaovermq.encodePublish("t", "after"));
  await inbox.until((items) => items.some((m) => m.value === "after"), 5000, "the good message");
  assert.equal(sub.malformed, 4);
  assert.deepEqual(seen.map((s) => [s.error.reason, s.parts]), [["MALFORMED", 2], ["BAD_FRAMES", 3], ["BAD_FRAMES", 1], ["MALFORMED", 2]]);
  assert.ok(seen.every((s) => s.error instanceof RpcProtocolError));
});

test("inproc, the subscriber binding and the publisher connecting", async (t) => {
  const address = inprocEndpoint();
  const sub = new RpcSubscriber<{ n: number }>();
  const pub = new RpcPublisher();
  t.after(() => (pub.close(), sub.close()));
  await sub.bind(address);
  assert.equal(sub.endpoint, address);
  sub.subscribe("n");
  pub.connect(address);
  const inbox = new Inbox(sub);
  await probeUntil(() => pub.publish("n.probe", { n: -1 }), () => inbox.items.length > 0, "subscription");
  for (let n = 0; n < 100; n++) await pub.publish("n", { n });
  await inbox.until((items) => items.at(-1)?.value.n === 99, 5000, "100 messages");
  assert.deepEqual(inbox.items.filter((m) => m.topic === "n").map((m) => m.value.n), Array.from({ length: 100 }, (_, n) => n));
});

test("property: random msgpack values round-trip through publish and subscribe", async (t) => {
  const { pub, inbox } = await pair(t, ["v"], "v", inprocEndpoint());
  let seq = 0;
  await fc.assert(
    fc.asyncProperty(msgpackValue, async (value) => {
      const topic = `v${++seq}`;
      await pub.publish(topic, value);
      await inbox.until((items) => items.some((m) => m.topic === topic), 5000, topic);
      assert.deepEqual(inbox.items.find((m) => m.topic === topic)!.value, value);
    }),
    { numRuns: 100 },
  );
});

test("iteration ends when the subscriber closes; receive then rejects with ETERM", async (t) => {
  const pub = new RpcPublisher();
  t.after(() => pub.close());
  await pub.bind("tcp://127.0.0.1:0");
  const sub = new RpcSubscriber().subscribe().connect(pub.endpoint!);
  const inbox = new Inbox<RpcMessage>(sub);
  sub.close();
  await within(inbox.done, 2000, "the end of iteration");
  await assert.rejects(sub.receive(), (err: Error & { code?: string }) => err.code === "ETERM");
  assert.ok(sub.closed);
  assert.throws(() => sub.subscribe("x"), (err: Error & { code?: string }) => err.code === "ETERM");
});

test("silence watchdog: a silent subscriber recreates its socket and still receives", async (t) => {
  const pub = new RpcPublisher();
  const sub = new RpcSubscriber({ silenceTimeout: 150 });
  t.after(() => (sub.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  sub.subscribe("w").connect(pub.endpoint!);
  const inbox = new Inbox<RpcMessage>(sub);
  const first = sub.socket;
  await eventually(() => sub.recreations >= 2, "two recreations");
  assert.notEqual(sub.socket, first);
  assert.ok(first.closed, "the old socket is closed");
  // The new socket has the subscription and the connection of the old one.
  await probeUntil(() => pub.publish("w", PROBE), () => inbox.items.length > 0, "delivery after recreation", 5000, 10);
  assert.equal(inbox.items[0]!.topic, "w");
});

test("PLAIN: the right password receives, a wrong one fails the iteration with EACCES", async (t) => {
  const pub = new RpcPublisher({ plain: { users: { reader: "secret" } } });
  const good = new RpcSubscriber({ plain: { username: "reader", password: "secret" } });
  const bad = new RpcSubscriber({ plain: { username: "reader", password: "wrong" } });
  t.after(() => (good.close(), bad.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  good.subscribe().connect(pub.endpoint!);
  bad.subscribe().connect(pub.endpoint!);
  const goodInbox = new Inbox<RpcMessage>(good);
  const badInbox = new Inbox<RpcMessage>(bad);
  await within(
    assert.rejects(badInbox.done, (err: Error & { code?: string }) => err.code === "EACCES"),
    5000,
    "the refusal",
  );
  await probeUntil(() => pub.publish("quote", { px: 101.25 }), () => goodInbox.items.length > 0, "authenticated delivery");
  assert.deepEqual(goodInbox.items[0]!.value, { px: 101.25 });
  assert.equal(badInbox.items.length, 0);
});

test("publications over 16 MiB are refused by default, in the socket the watchdog makes too; the socket option changes it", async (t) => {
  const sub = new RpcSubscriber({ silenceTimeout: 30 });
  const lifted = new RpcSubscriber({ socket: { maxMessageSize: -1 } });
  t.after(() => (sub.close(), lifted.close()));
  assert.equal(sub.socket.maxMessageSize, DEFAULT_MAX_MESSAGE_BYTES);
  assert.equal(lifted.socket.maxMessageSize, -1);
  sub.subscribe("w").connect("tcp://127.0.0.1:1");
  const inbox = new Inbox<RpcMessage>(sub); // reading starts the watchdog
  t.after(() => inbox.done.catch(() => undefined));
  await eventually(() => sub.recreations >= 1, "a recreation");
  assert.equal(sub.socket.maxMessageSize, DEFAULT_MAX_MESSAGE_BYTES);
});
