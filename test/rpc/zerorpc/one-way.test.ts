/**
 * dotcloud zerorpc's one-way forms: events over PUSH/PULL and PUB/SUB, one
 * frame each, no reply; against libzmq peers in zerorpc-python's exact
 * form, and between our own sender and receiver.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zmq from "zeromq";
import { RpcProtocolError, ZeroRpcPublisher, ZeroRpcPuller, ZeroRpcPusher, ZeroRpcSubscriber, zerorpc } from "../../../src/rpc/index.js";
import { within } from "../helpers.js";

/** A promise with its resolve, for events that arrive by callback. */
function signal<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test("PUSH/PULL: pushed events run in order on the puller; unreadable ones are reported and skipped", async (t) => {
  const seen: unknown[][] = [];
  const errors: Error[] = [];
  const third = signal<void>();
  const second = signal<void>();
  const puller = new ZeroRpcPuller({
    onError: (e) => {
      errors.push(e);
      if (errors.length === 2) second.resolve();
    },
  });
  t.after(() => puller.close());
  puller.register("log", (...args: unknown[]) => {
    seen.push(args);
    if (seen.length === 3) third.resolve();
  });
  await puller.bind("tcp://127.0.0.1:0");
  // A libzmq PUSH writing what zerorpc-python's Pusher writes, then garbage.
  const native = new zmq.Push({ linger: 0 });
  t.after(() => native.close());
  native.connect(puller.endpoint!);
  await native.send(Buffer.from("9382aa6d6573736167655f6964c4203365303866383037346236333437346438613264633638653665303464663135a17603a36c6f67920203", "hex"));
  await native.send(Buffer.from([0xc1]));
  await native.send(zerorpc.encodeEvent("nope", [], zerorpc.newMessageId()));
  // Ours: the same one frame.
  const pusher = new ZeroRpcPusher();
  t.after(() => pusher.close());
  pusher.connect(puller.endpoint!);
  await pusher.emit("log", "a", { b: 1 });
  await pusher.emit("log", 3);
  await within(Promise.all([third.promise, second.promise]), 5000, "three events and two errors");
  // Each connection's events in its order (the PULL takes turns between connections).
  assert.deepEqual(seen.filter((a) => a[0] !== 2), [["a", { b: 1 }], [3]]);
  assert.ok(seen.some((a) => a[0] === 2 && a[1] === 3));
  assert.ok(errors.every((e) => e instanceof RpcProtocolError));
  assert.match(errors[1]!.message, /no method 'nope'/);
});

test("PUSH: our pusher writes zerorpc-python's one-frame event to a libzmq PULL", async (t) => {
  const native = new zmq.Pull({ linger: 0 });
  t.after(() => native.close());
  await native.bind("tcp://127.0.0.1:0");
  const pusher = new ZeroRpcPusher();
  t.after(() => pusher.close());
  pusher.connect(native.lastEndpoint!);
  await pusher.emit("add", 2, 3);
  const frames = await within(native.receive(), 5000, "the event");
  assert.equal(frames.length, 1, "one frame, no delimiter");
  const event = frames[0]!;
  // [{message_id: bin 32 hex digits, v: 3}, "add", [2, 3]]
  assert.equal(event.subarray(0, 15).toString("hex"), "9382aa6d6573736167655f6964c420");
  assert.match(event.subarray(15, 47).toString("latin1"), /^[0-9a-f]{32}$/);
  assert.equal(event.subarray(47).toString("hex"), "a17603a3616464920203");
});

test("PUB/SUB: every subscriber runs each published event", async (t) => {
  const publisher = new ZeroRpcPublisher();
  t.after(() => publisher.close());
  await publisher.bind("tcp://127.0.0.1:0");
  const heard = [signal<unknown>(), signal<unknown>()];
  const subscribers = heard.map((h) => {
    const s = new ZeroRpcSubscriber();
    t.after(() => s.close());
    s.register("price", (v: unknown) => h.resolve(v));
    s.connect(publisher.endpoint!);
    return s;
  });
  assert.equal(subscribers.length, 2);
  // A subscription takes a moment to reach the publisher: publish until both heard.
  const ticker = setInterval(() => void publisher.emit("price", 1.5), 20);
  t.after(() => clearInterval(ticker));
  assert.deepEqual(await within(Promise.all(heard.map((h) => h.promise)), 5000, "both subscribers"), [1.5, 1.5]);
});
