/**
 * The Proxy between purezmq sockets: ROUTER-DEALER with REQ clients and REP
 * workers, XSUB-XPUB with subscriptions travelling upstream, PULL-PUSH,
 * a capture socket, pause/resume, and terminate() closing both sockets.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Dealer, Proxy, Publisher, Pull, Push, Reply, Request, Router, Subscriber, XPublisher, XSubscriber, type Socket,
} from "../../../src/index.js";
import { next, untilSubscribed } from "../pubsub/helpers.js";
import { withDeadline as within } from "../../support/deadline.js";
import { endingProxy } from "../../support/sockets.js";

function closeAll(t: { after(fn: () => void): void }, ...sockets: Socket[]): void {
  t.after(() => sockets.forEach((s) => s.close()));
}

test("ROUTER-DEALER proxy carries REQ requests to REP workers and the replies back", async (t) => {
  const proxy = new Proxy(new Router(), new Dealer());
  await proxy.frontEnd.bind("tcp://127.0.0.1:0");
  await proxy.backEnd.bind("tcp://127.0.0.1:0");
  const running = proxy.run();
  const workers = [new Reply(), new Reply()];
  const clients = [new Request(), new Request(), new Request()];
  closeAll(t, ...workers, ...clients);
  endingProxy(t, proxy);
  workers.forEach((w, i) => {
    w.connect(proxy.backEnd.lastEndpoint!);
    void (async () => {
      try {
        for await (const [req] of w) await w.send([req!, `worker${i}`]);
      } catch {
        /* closed */
      }
    })();
  });
  for (const c of clients) c.connect(proxy.frontEnd.lastEndpoint!);
  for (let round = 0; round < 5; round++) {
    const replies = await Promise.all(clients.map(async (c, i) => {
      await c.send(`req-${i}-${round}`);
      return (await within(c.receive(), 5000, "reply")).map(String);
    }));
    replies.forEach((r, i) => assert.equal(r[0], `req-${i}-${round}`, "each client gets the reply to its own request"));
  }
  proxy.terminate();
  await within(running, 5000, "run() to resolve");
  assert.equal(proxy.frontEnd.closed && proxy.backEnd.closed, true, "terminate closes both sockets");
});

test("XSUB-XPUB proxy forwards subscriptions upstream and messages downstream; capture sees both", async (t) => {
  const capture = new Pull();
  const captureIn = new Push();
  closeAll(t, capture, captureIn);
  await capture.bind("inproc://proxy-capture");
  captureIn.connect("inproc://proxy-capture");
  const proxy = new Proxy(new XSubscriber(), new XPublisher(), captureIn);
  endingProxy(t, proxy);
  const pub = new Publisher();
  const sub = new Subscriber();
  closeAll(t, pub, sub);
  await pub.bind("tcp://127.0.0.1:0");
  proxy.frontEnd.connect(pub.lastEndpoint!);
  await proxy.backEnd.bind("tcp://127.0.0.1:0");
  const running = proxy.run();
  sub.connect(proxy.backEnd.lastEndpoint!);
  sub.subscribe("weather");
  await untilSubscribed(pub, sub, "weather");
  await pub.send(["sports", "no"]);
  await pub.send(["weather", "sunny"]);
  assert.deepEqual(await within(next(sub), 5000, "weather"), ["weather", "sunny"]);
  const captured: string[] = [];
  while (!captured.includes("weather|sunny")) captured.push((await within(capture.receive(), 5000, "capture")).map(String).join("|"));
  assert.equal(captured[0], "\x01weather", "the subscription went through the proxy first");
  proxy.terminate();
  await within(running, 5000, "run() to resolve");
});

test("PULL-PUSH proxy: pause holds messages back, resume lets them through, in order", async (t) => {
  const proxy = new Proxy(new Pull(), new Push());
  await proxy.frontEnd.bind("tcp://127.0.0.1:0");
  await proxy.backEnd.bind("tcp://127.0.0.1:0");
  const running = proxy.run();
  endingProxy(t, proxy);
  const producer = new Push();
  const consumer = new Pull({ receiveTimeout: 100 });
  closeAll(t, producer, consumer);
  producer.connect(proxy.frontEnd.lastEndpoint!);
  consumer.connect(proxy.backEnd.lastEndpoint!);
  await producer.send("first");
  assert.deepEqual((await within(consumer.receive(), 5000, "first")).map(String), ["first"]);
  proxy.pause();
  for (let i = 0; i < 10; i++) await producer.send(`paused-${i}`);
  // Nothing may arrive while paused (receiveTimeout bounds the wait).
  await assert.rejects(consumer.receive(), { code: "EAGAIN" });
  consumer.receiveTimeout = 5000;
  proxy.resume();
  for (let i = 0; i < 10; i++) assert.deepEqual((await consumer.receive()).map(String), [`paused-${i}`]);
  proxy.terminate();
  await within(running, 5000, "run() to resolve");
});

test("a proxy refuses sockets that cannot exchange anything, and a second run", async (t) => {
  const a = new Push();
  const b = new Push();
  closeAll(t, a, b);
  assert.throws(() => new Proxy(a, b).run(), { code: "EINVAL", message: "Front-end socket must be bound or connected" });
  await a.bind("inproc://proxy-refuses-a");
  await b.bind("inproc://proxy-refuses-b");
  await assert.rejects(new Proxy(a, b).run(), { code: "EINVAL" });
  const p = new Proxy(new Pull(), new Push());
  await p.frontEnd.bind("inproc://proxy-refuses-front");
  await p.backEnd.bind("inproc://proxy-refuses-back");
  const running = p.run();
  await assert.rejects(p.run(), { code: "EBUSY" });
  p.terminate();
  await within(running, 5000, "run() to resolve");
});
