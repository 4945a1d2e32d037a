/**
 * RPC publish-subscribe interop with libzmq (the `zeromq` package) and
 * @msgpack/msgpack: a libzmq PUB writing LuaOverMQ's `[topic, msgpack]` to
 * our RpcSubscriber, our RpcPublisher to a libzmq SUB (with and without
 * PLAIN), and pyzmqrpc3 commands over PUB/SUB both ways.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode, encode } from "@msgpack/msgpack";
import * as zmq from "zeromq";
import {
  CommandPublisher,
  CommandServer,
  RpcPublisher,
  RpcSubscriber,
  defineCommand,
  pyzmqrpc as pz,
  type RpcMessage,
} from "../../src/rpc/index.js";
import { Inbox, eventually, nextUnprobed, probeUntil } from "../rpc/pubsub-helpers.js";
import { untilSubscribed } from "../zmtp/pubsub/helpers.js";
import { nextEvent, type PeerSocket } from "./peers.js";

const Add = defineCommand("Add", { a: 0, b: 0 });

test("libzmq PUB sends [topic, msgpack] -> our RpcSubscriber filters by prefix and decodes", async (t) => {
  const pub = new zmq.Publisher({ linger: 0 });
  const sub = new RpcSubscriber();
  t.after(() => (sub.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  sub.subscribe("quotes.").connect(pub.lastEndpoint!);
  const inbox = new Inbox<RpcMessage>(sub);
  const send = (topic: string, value: unknown): Promise<void> => pub.send([topic, Buffer.from(encode(value))]);
  await probeUntil(() => send("quotes.probe", "probe"), () => inbox.items.length > 0, "subscription");
  const value = { sym: "EURUSD", bid: 1.0831, levels: [[1.08, 1e6], [1.07, 2e6]], raw: new Uint8Array([1, 2, 3]), n: null };
  await send("other.x", "no");
  await send("quotes", "no");
  await send("quotes.eur", value);
  await send("quotes.end", "end");
  await inbox.until((items) => items.some((m) => m.value === "end"), 10_000, "the end marker");
  const got = inbox.items.filter((m) => m.value !== "probe");
  assert.deepEqual(got.map((m) => m.topic), ["quotes.eur", "quotes.end"]);
  assert.deepEqual(got[0]!.value, { ...value, raw: Buffer.from([1, 2, 3]) });
});

test("our RpcPublisher -> libzmq SUB: exactly LuaOverMQ's two frames", async (t) => {
  const pub = new RpcPublisher();
  const sub = new zmq.Subscriber({ linger: 0 });
  t.after(() => (sub.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  sub.subscribe("topic");
  sub.connect(pub.endpoint!);
  await untilSubscribed(pub.socket, sub, "topic");
  await pub.publish("topic", "Hello World!");
  const [topic, payload, ...rest] = await nextUnprobed(sub);
  assert.equal(rest.length, 0);
  assert.equal(topic!.toString(), "topic");
  assert.equal(decode(payload!), "Hello World!");
  const value = { a: { b: [1, -2, 2 ** 40] }, bin: Buffer.from([0xff, 0x00]), s: "ünïcode" };
  await pub.publish("nope", 1); // filtered out at the publisher
  await pub.publish("topic.v", value);
  const [t2, p2] = await nextUnprobed(sub);
  assert.equal(t2!.toString(), "topic.v");
  const decoded = decode(p2!) as typeof value;
  assert.deepEqual({ ...decoded, bin: Buffer.from(decoded.bin) }, value);
});

test("our RpcPublisher with PLAIN -> libzmq SUB: the right password receives, a wrong one is refused", async (t) => {
  const pub = new RpcPublisher({ plain: { users: { reader: "secret" } } });
  const good = new zmq.Subscriber({ linger: 0, plainUsername: "reader", plainPassword: "secret" });
  const bad = new zmq.Subscriber({ linger: 0, plainUsername: "reader", plainPassword: "wrong" });
  t.after(() => (good.close(), bad.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  const refused = nextEvent(bad as unknown as PeerSocket, "handshake:error:auth");
  good.subscribe();
  bad.subscribe();
  good.connect(pub.endpoint!);
  bad.connect(pub.endpoint!);
  await refused;
  await untilSubscribed(pub.socket, good, "t");
  await pub.publish("t", 7);
  const [topic, payload] = await nextUnprobed(good);
  assert.equal(topic!.toString(), "t");
  assert.equal(decode(payload!), 7);
});

test("pyzmqrpc3 over PUB/SUB: a libzmq PUB's commands run on our server; ours reach a libzmq SUB", async (t) => {
  const libPub = new zmq.Publisher({ linger: 0 });
  const ourPub = new CommandPublisher();
  const libSub = new zmq.Subscriber({ linger: 0 });
  const server = new CommandServer();
  const sums: number[] = [];
  server.registerService(Add, (cmd) => void sums.push(cmd.a + cmd.b));
  t.after(() => (server.close(), libSub.close(), ourPub.close(), libPub.close()));
  await libPub.bind("tcp://127.0.0.1:0");
  server.subscribe(libPub.lastEndpoint!);
  // As the reference's sender: one text frame, no topic.
  await probeUntil(() => libPub.send(pz.encodeCommand("Add", { a: 0, b: 0 })), () => sums.length > 0, "the server's subscription");
  await libPub.send(pz.encodeCommand("Add", { a: 40, b: 2 }));
  await eventually(() => sums.includes(42), "the libzmq-published command");

  await ourPub.bind("tcp://127.0.0.1:0");
  libSub.subscribe(); // as the reference's SubSocket: everything
  libSub.connect(ourPub.endpoint!);
  await untilSubscribed(ourPub.socket, libSub, "");
  await ourPub.execute(new Add({ a: 1, b: 2 }));
  const frames = await nextUnprobed(libSub);
  assert.equal(frames.length, 1);
  assert.deepEqual(pz.decodeCommand(frames[0]!), { name: "Add", state: { a: 1, b: 2 } });
});
