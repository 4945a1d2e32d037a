/**
 * Publish-subscribe between purezmq sockets (RFC 29): prefix filtering,
 * counted subscriptions, XPUB notifications (default, verbose, manual,
 * welcome), XSUB, subscriptions re-sent after a publisher restart, and
 * messages queued on a connect-side PUB while its subscriber is away.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Publisher, Subscriber, XPublisher, XSubscriber, type Event, type Socket } from "../../../src/index.js";
import { isProbe, next, untilSubscribed } from "./helpers.js";
import { withDeadline as within } from "../../support/deadline.js";
import { closing } from "../../support/sockets.js";

function nextEvent(s: Socket, type: Event["type"]): Promise<Event> {
  return new Promise((resolve) => {
    const on = (e: Event): void => {
      s.events.off(type, on);
      resolve(e);
    };
    s.events.on(type, on);
  });
}

const hex = (m: Buffer[]): string[] => m.map((b) => b.toString("hex"));

for (const transport of ["tcp", "inproc"] as const) {
  const address = (): string => (transport === "tcp" ? "tcp://127.0.0.1:0" : `inproc://pubsub-${randomBytes(6).toString("hex")}`);

  test(`${transport}: SUB gets only messages whose first frame starts with a subscribed prefix, whole`, async (t) => {
    const pub = closing(t, new Publisher());
    const sub = closing(t, new Subscriber());
    await pub.bind(address());
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("ab", Buffer.from([0xff, 0x00]));
    await untilSubscribed(pub, sub, "ab");
    await pub.send(["a", "no"]);
    await pub.send(["abc", "yes", "three"]);
    await pub.send([Buffer.from([0xff]), "no"]);
    await pub.send([Buffer.from([0xff, 0x00, 0x01]), "yes"]);
    await pub.send(["b", "no"]);
    await pub.send(["ab", "last"]);
    assert.deepEqual(await within(next(sub), 5000, "abc"), ["abc", "yes", "three"]);
    assert.deepEqual(await within(next(sub), 5000, "ff0001"), ["\xff\x00\x01", "yes"]);
    assert.deepEqual(await within(next(sub), 5000, "ab"), ["ab", "last"]);
  });

  test(`${transport}: subscribe() without a topic receives everything, including empty first frames`, async (t) => {
    const pub = closing(t, new Publisher());
    const sub = closing(t, new Subscriber());
    await pub.bind(address());
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    await untilSubscribed(pub, sub, "any");
    await pub.send("");
    await pub.send(["z", ""]);
    assert.deepEqual(await next(sub), [""]);
    assert.deepEqual(await next(sub), ["z", ""]);
  });

  test(`${transport}: subscriptions are counted: two subscribes need two unsubscribes`, async (t) => {
    const pub = closing(t, new Publisher());
    const sub = closing(t, new Subscriber());
    await pub.bind(address());
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("a", "a", "m");
    await untilSubscribed(pub, sub, "m");
    sub.unsubscribe("a");
    await untilSubscribed(pub, sub, "m"); // the unsubscribe (if sent) has arrived
    await pub.send("a1");
    assert.deepEqual(await next(sub), ["a1"], "one of two subscriptions remains");
    sub.unsubscribe("a");
    await untilSubscribed(pub, sub, "m");
    await pub.send("a2");
    await pub.send("m-marker");
    assert.deepEqual(await next(sub), ["m-marker"], "a2 was not delivered after the second unsubscribe");
  });

  test(`${transport}: two subscribers with different topics each get their own`, async (t) => {
    const pub = closing(t, new Publisher());
    const s1 = closing(t, new Subscriber());
    const s2 = closing(t, new Subscriber());
    await pub.bind(address());
    for (const s of [s1, s2]) s.connect(pub.lastEndpoint!);
    s1.subscribe("one");
    s2.subscribe("two");
    await untilSubscribed(pub, s1, "one");
    await untilSubscribed(pub, s2, "two");
    for (const m of ["one-1", "two-1", "three", "one-2", "two-2"]) await pub.send(m);
    assert.deepEqual([await next(s1), await next(s1)], [["one-1"], ["one-2"]]);
    assert.deepEqual([await next(s2), await next(s2)], [["two-1"], ["two-2"]]);
  });

  test(`${transport}: XPUB reports the first subscribe and last cancel of a topic; verbose reports each`, async (t) => {
    const xpub = closing(t, new XPublisher());
    const verbose = closing(t, new XPublisher({ verbosity: "allSubsUnsubs" }));
    await xpub.bind(address());
    await verbose.bind(address());
    const s1 = closing(t, new Subscriber());
    const s2 = closing(t, new Subscriber());
    for (const s of [s1, s2]) {
      s.connect(xpub.lastEndpoint!);
      s.connect(verbose.lastEndpoint!);
      s.subscribe("x");
    }
    assert.deepEqual(hex(await xpub.receive()), ["0178"]);
    assert.deepEqual(hex(await verbose.receive()), ["0178"]);
    assert.deepEqual(hex(await verbose.receive()), ["0178"], "verbose: the second subscribe too");
    s1.unsubscribe("x");
    assert.deepEqual(hex(await verbose.receive()), ["0078"], "verboser: every cancel");
    s2.unsubscribe("x");
    assert.deepEqual(hex(await verbose.receive()), ["0078"]);
    assert.deepEqual(hex(await xpub.receive()), ["0078"], "non-verbose: the cancel once no peer holds x (and not before)");
    assert.equal(xpub.readable, false);
  });

  test(`${transport}: XPUB reports the cancels of a subscriber that leaves`, async (t) => {
    const xpub = closing(t, new XPublisher());
    await xpub.bind(address());
    const sub = new Subscriber();
    sub.connect(xpub.lastEndpoint!);
    sub.subscribe("k1", "k2");
    const got = [hex(await xpub.receive()), hex(await xpub.receive())];
    assert.deepEqual(got.flat().sort(), ["016b31", "016b32"]);
    sub.close();
    const gone = [hex(await within(xpub.receive(), 5000, "cancel")), hex(await within(xpub.receive(), 5000, "cancel"))];
    assert.deepEqual(gone.flat().sort(), ["006b31", "006b32"]);
  });

  test(`${transport}: XPUB manual mode: the application decides what the last subscriber gets; welcome message`, async (t) => {
    const xpub = closing(t, new XPublisher({ manual: true, welcomeMessage: "hello" }));
    await xpub.bind(address());
    const xsub = closing(t, new XSubscriber());
    xsub.connect(xpub.lastEndpoint!);
    assert.deepEqual(await within(next(xsub), 5000, "welcome"), ["hello"]);
    await xsub.send(Buffer.from("\x01asked", "latin1"));
    // Reported to the application, not applied.
    assert.deepEqual(hex(await xpub.receive()), [Buffer.from("\x01asked", "latin1").toString("hex")]);
    await xpub.send("asked-1");
    xpub.subscribe("granted");
    await xpub.send("asked-2");
    await xpub.send("granted-1");
    assert.deepEqual(await within(next(xsub), 5000, "granted-1"), ["granted-1"], "XSUB does not filter: asked-1/2 were never sent");
    xpub.unsubscribe("granted");
    xpub.subscribe("asked");
    await xpub.send("granted-2");
    await xpub.send("asked-3");
    assert.deepEqual(await within(next(xsub), 5000, "asked-3"), ["asked-3"]);
    const auto = closing(t, new XPublisher());
    assert.throws(() => auto.subscribe("x"), { code: "EINVAL" }, "subscribe() needs manual mode");
  });

  test(`${transport}: XSUB subscribes by sending [1 + topic] and receives unfiltered`, async (t) => {
    const pub = closing(t, new Publisher());
    const xsub = closing(t, new XSubscriber());
    await pub.bind(address());
    xsub.connect(pub.lastEndpoint!);
    await xsub.send(Buffer.from("\x01top", "latin1"));
    await untilSubscribed(pub, xsub, "top");
    await pub.send("other");
    await pub.send(["top", "1"]);
    assert.deepEqual(await next(xsub), ["top", "1"]);
    await xsub.send(Buffer.from("\x00top", "latin1"));
    await xsub.send(Buffer.from("\x01zz", "latin1"));
    await untilSubscribed(pub, xsub, "zz");
    await pub.send("top-2");
    await pub.send("zz-marker");
    assert.deepEqual(await next(xsub), ["zz-marker"]);
  });
}

test("PUB cannot receive and SUB cannot send: ENOTSUP", async (t) => {
  const pub = closing(t, new Publisher());
  const sub = closing(t, new Subscriber());
  await assert.rejects(pub.receive(), { code: "ENOTSUP" });
  await assert.rejects(sub.send("x"), { code: "ENOTSUP" });
});

test("a SUB re-sends its subscriptions when the publisher restarts on the same endpoint", async (t) => {
  const pub1 = new Publisher();
  await pub1.bind("tcp://127.0.0.1:0");
  const endpoint = pub1.lastEndpoint!;
  const sub = closing(t, new Subscriber({ reconnectInterval: 20 }));
  sub.connect(endpoint);
  sub.subscribe("news", "sport");
  sub.subscribe("news");
  await untilSubscribed(pub1, sub, "news");
  const disconnected = nextEvent(sub, "disconnect");
  pub1.close();
  await within(disconnected, 5000, "disconnect");
  const pub2 = closing(t, new Publisher());
  await pub2.bind(endpoint);
  await untilSubscribed(pub2, sub, "sport");
  await pub2.send("weather");
  await pub2.send("news-1");
  await pub2.send("sport-1");
  assert.deepEqual(await next(sub), ["news-1"]);
  assert.deepEqual(await next(sub), ["sport-1"]);
});

test("a connect-side PUB queues messages for a subscriber that went away and delivers them in order when it is back", async (t) => {
  const sub1 = new Subscriber();
  await sub1.bind("tcp://127.0.0.1:0");
  const endpoint = sub1.lastEndpoint!;
  sub1.subscribe("q");
  const pub = closing(t, new Publisher({ reconnectInterval: 20, sendHighWaterMark: 1000 }));
  pub.connect(endpoint);
  await untilSubscribed(pub, sub1, "q");
  const down = nextEvent(pub, "disconnect");
  sub1.close();
  await within(down, 5000, "disconnect");
  for (let i = 0; i < 500; i++) await pub.send(["q", String(i)]);
  const sub2 = closing(t, new Subscriber());
  sub2.subscribe("q");
  await sub2.bind(endpoint);
  for (let i = 0; i < 500; i++) assert.deepEqual(await within(next(sub2), 5000, `message ${i}`), ["q", String(i)]);
});

test("with immediate, a PUB does not queue for a subscriber that is away", async (t) => {
  const sub1 = new Subscriber();
  await sub1.bind("tcp://127.0.0.1:0");
  const endpoint = sub1.lastEndpoint!;
  sub1.subscribe("q");
  const pub = closing(t, new Publisher({ reconnectInterval: 20, immediate: true }));
  pub.connect(endpoint);
  await untilSubscribed(pub, sub1, "q");
  const down = nextEvent(pub, "disconnect");
  sub1.close();
  await within(down, 5000, "disconnect");
  for (let i = 0; i < 10; i++) await pub.send(["q", `lost ${i}`]);
  const sub2 = closing(t, new Subscriber());
  sub2.subscribe("q");
  await sub2.bind(endpoint);
  await untilSubscribed(pub, sub2, "q");
  await pub.send(["q", "fresh"]);
  assert.deepEqual(await next(sub2), ["q", "fresh"]);
});

test("noDrop: a PUB send waits while a matching subscriber is full, then goes on", async (t) => {
  // linger 0: n1 and n2 stay queued for the subscriber that left, and would hold the exit.
  const pub = closing(t, new Publisher({ noDrop: true, sendHighWaterMark: 2, sendTimeout: 200, linger: 0 }));
  const sub = closing(t, new Subscriber({ immediate: false }));
  await sub.bind("tcp://127.0.0.1:0");
  sub.subscribe("n");
  pub.connect(sub.lastEndpoint!);
  await untilSubscribed(pub, sub, "n");
  const down = nextEvent(pub, "disconnect");
  sub.close();
  await within(down, 5000, "disconnect");
  await pub.send("n1");
  await pub.send("n2");
  await assert.rejects(pub.send("n3"), { code: "EAGAIN" }, "the third waits past sendTimeout");
  await pub.send("other topic: no subscriber, nothing to wait for");
});

test("conflate: a SUB keeps only the newest message", async (t) => {
  const pub = closing(t, new Publisher());
  const sub = closing(t, new Subscriber({ conflate: true }));
  await pub.bind("inproc://conflate");
  sub.connect("inproc://conflate");
  sub.subscribe("c");
  await untilSubscribed(pub, sub, "c");
  for (let i = 0; i < 50; i++) await pub.send(`c${i}`);
  await pub.send("c-last");
  // inproc moves everything queued in one tick: one turn of the loop later all 51 were offered.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(await next(sub), ["c-last"]);
  assert.equal(sub.readable, false);
});

test("fan-out: each inproc subscriber gets an array of its own, whatever another does to its copy", async (t) => {
  // Connections share one array of the parts (their engines only read it);
  // an inproc receiver gets the very array queued for it, so each of them
  // needs its own. Publish while all three subscribers are attached, then
  // let the first change what it received before the others read.
  const pub = closing(t, new Publisher());
  const name = `inproc://fanout-arrays-${randomBytes(6).toString("hex")}`;
  await pub.bind(name);
  await pub.bind("tcp://127.0.0.1:0");
  const subs = [new Subscriber(), new Subscriber(), new Subscriber()].map((s) => closing(t, s));
  subs[0]!.connect(name);
  subs[1]!.connect(name);
  subs[2]!.connect(pub.lastEndpoint!);
  for (const sub of subs) {
    sub.subscribe("t");
    await untilSubscribed(pub, sub, "t");
  }
  await pub.send(["t", "body"]);
  const received: Buffer[][] = [];
  for (const sub of subs) {
    // A SUB filters again as it reads: a message whose topic another
    // receiver changed would be skipped, and the read would wait forever.
    sub.receiveTimeout = 5000;
    let msg: Buffer[];
    do msg = await sub.receive();
    while (isProbe(msg));
    assert.deepEqual(msg.map(String), ["t", "body"]);
    msg[0] = Buffer.from("changed");
    msg.push(Buffer.from("added"));
    received.push(msg);
  }
  assert.equal(new Set(received).size, 3, "three distinct arrays");
});
