/**
 * The public socket API: error codes (EFSM, EAGAIN, EBUSY, EBADF), what
 * close() does to pending calls and iterators, the message types send()
 * takes, the readable/writable flags and options given to constructors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Pair, Reply, Request, Router, ZmqError, type MessageLike, type Socket } from "../../../src/index.js";
import { bindAddress, bindResolved, nextEvent, settle, texts, track, watch, withDeadline } from "./helpers.js";

/** Asserts that a promise rejects with a ZmqError of `code`. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ZmqError, `a ZmqError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** A connected pair over inproc. */
async function connected<A extends Socket, B extends Socket>(t: Parameters<typeof track>[0], a: A, b: B): Promise<[A, B]> {
  track(t, a, b);
  b.connect(await bindResolved(a, bindAddress("inproc")));
  return [a, b];
}

test("EFSM: a REQ's second send before the reply fails when it may not wait; waiting, it goes once the reply is read", async (t) => {
  const [rep, req] = await connected(t, new Reply(), new Request({ sendTimeout: 0 }));
  await req.send("one");
  await rejectsWith(req.send("two"), "EFSM");
  req.sendTimeout = -1;
  let sent = false;
  const second = req.send("two").then(() => (sent = true));
  // The first request is still answered normally.
  assert.deepEqual(texts(await rep.receive()), ["one"]);
  await rep.send("reply");
  assert.equal(sent, false, "the second request waits for the reply to be read");
  assert.deepEqual(texts(await req.receive()), ["reply"]);
  await second;
  assert.deepEqual(texts(await rep.receive()), ["two"]);
});

test("EFSM: a REQ cannot receive before it sent a request", async (t) => {
  const [req] = track(t, new Request());
  await rejectsWith(req.receive(), "EFSM");
});

test("EFSM: a REP cannot send before it received a request, nor receive twice", async (t) => {
  const [rep, req] = await connected(t, new Reply(), new Request());
  await rejectsWith(rep.send("unasked"), "EFSM");
  await req.send("q");
  assert.deepEqual(texts(await rep.receive()), ["q"]);
  await rejectsWith(rep.receive(), "EFSM");
});

test("ENOTSOCK: an option of purezmq's own on a closed socket refuses any value, with no type rule of zeromq.js's to apply first", () => {
  const socket = new Dealer();
  socket.close();
  const notSock = (fn: () => unknown): void => assert.throws(fn, (err: unknown) => (err as ZmqError).code === "ENOTSOCK");
  notSock(() => socket.handshakeTimeout);
  notSock(() => (socket.handshakeTimeout = "x" as unknown as number));
  notSock(() => (socket.handshakeTimeout = 10));
  // One of zeromq.js's options checks the value's type first, as zeromq.js does.
  assert.throws(() => (socket.handshakeInterval = "x" as unknown as number), TypeError);
});

test("EAGAIN: receiveTimeout 0 fails at once when nothing waits", async (t) => {
  const [a] = track(t, new Dealer({ receiveTimeout: 0 }));
  const started = Date.now();
  await rejectsWith(a.receive(), "EAGAIN");
  assert.ok(Date.now() - started < 50);
});

test("EAGAIN: receiveTimeout > 0 fails after the timeout, and a later receive still works", async (t) => {
  const [a, b] = await connected(t, new Dealer({ receiveTimeout: 60 }), new Dealer());
  const started = Date.now();
  await rejectsWith(a.receive(), "EAGAIN");
  assert.ok(Date.now() - started >= 55, "waited about the timeout");
  await b.send("late");
  assert.deepEqual(texts(await a.receive()), ["late"]);
});

test("EAGAIN: sendTimeout 0 fails at once when no peer can take the message", async (t) => {
  const [a] = track(t, new Dealer({ sendTimeout: 0 }));
  await rejectsWith(a.send("nowhere"), "EAGAIN");
});

test("EAGAIN: sendTimeout > 0 fails after the timeout, and the socket can send afterwards", async (t) => {
  const [a] = track(t, new Dealer({ sendTimeout: 60 }));
  const started = Date.now();
  await rejectsWith(a.send("nowhere"), "EAGAIN");
  assert.ok(Date.now() - started >= 55, "waited about the timeout");
  const [b] = track(t, new Dealer());
  a.connect(await bindResolved(b, bindAddress("inproc")));
  await a.send("now");
  assert.deepEqual(texts(await b.receive()), ["now"]);
});

test("EBUSY: a second receive while one waits", async (t) => {
  const [a, b] = await connected(t, new Dealer(), new Dealer());
  const first = a.receive();
  assert.throws(() => a.receive(), { code: "EBUSY" });
  await b.send("x");
  assert.deepEqual(texts(await first), ["x"]);
});

test("EBUSY: a second send while one is blocked", async (t) => {
  const [a] = track(t, new Dealer());
  const first = watch(a.send("blocked"));
  assert.throws(() => a.send("second"), { code: "EBUSY" });
  a.close();
  await rejectsWith(first.promise, "EAGAIN");
});

test("EBADF thrown after close, for every operation; close twice is harmless", () => {
  const a = new Dealer();
  a.close();
  a.close();
  assert.equal(a.closed, true);
  assert.throws(() => a.send("x"), { code: "EBADF" });
  assert.throws(() => a.receive(), { code: "EBADF" });
  assert.throws(() => a.bind("tcp://127.0.0.1:0"), { code: "EBADF" });
  assert.throws(() => a.connect("tcp://127.0.0.1:5555"), { code: "EBADF" });
  assert.throws(() => a.disconnect("tcp://127.0.0.1:5555"), { code: "EBADF" });
  assert.throws(() => a.unbind("tcp://127.0.0.1:5555"), { code: "EBADF" });
});

test("close() rejects a pending receive and a pending send", async () => {
  const a = new Dealer();
  const b = new Dealer();
  const receiving = a.receive();
  const sending = b.send("no peer");
  a.close();
  b.close();
  await rejectsWith(receiving, "EAGAIN");
  await rejectsWith(sending, "EAGAIN");
});

test("for await ends when the socket closes, after the messages already received", async (t) => {
  const [a, b] = await connected(t, new Pair(), new Pair());
  await b.send("1");
  await b.send("2");
  const got: string[] = [];
  const loop = (async () => {
    for await (const msg of a) {
      got.push(msg[0]!.toString());
      if (got.length === 2) setImmediate(() => a.close());
    }
  })();
  await withDeadline(loop, 2000, "the loop to end");
  assert.deepEqual(got, ["1", "2"]);
});

test("for await gives queued messages and waited-for ones in order, and a pattern error ends it", async (t) => {
  const [a, b] = await connected(t, new Pair(), new Pair());
  for (let i = 0; i < 3; i++) await b.send(String(i));
  while (!a.readable) await settle();
  const it = a[Symbol.asyncIterator]();
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await it.next()).value![0]!.toString()); // already queued
  const waiting = it.next();
  await b.send("3");
  got.push((await waiting).value![0]!.toString()); // arrived while waiting
  assert.deepEqual(got, ["0", "1", "2", "3"]);
  // The pattern's error (a REQ receiving before it sent) rejects the step.
  const [req] = track(t, new Request());
  await rejectsWith(req[Symbol.asyncIterator]().next(), "EFSM");
});

test("send() takes Buffer, Uint8Array, ArrayBuffer, other views, string, null and number parts", async (t) => {
  const [a, b] = await connected(t, new Pair(), new Pair());
  const backing = new Uint8Array([9, 1, 2, 3, 9]);
  const cases: { name: string; part: MessageLike; bytes: Buffer }[] = [
    { name: "Buffer", part: Buffer.from([1, 2, 3]), bytes: Buffer.from([1, 2, 3]) },
    { name: "Uint8Array with an offset", part: backing.subarray(1, 4), bytes: Buffer.from([1, 2, 3]) },
    { name: "ArrayBuffer", part: new Uint8Array([4, 5]).buffer, bytes: Buffer.from([4, 5]) },
    { name: "Uint16Array", part: new Uint16Array([0x0102]), bytes: Buffer.from(new Uint16Array([0x0102]).buffer) },
    { name: "string (UTF-8)", part: "héllo", bytes: Buffer.from("héllo", "utf8") },
    { name: "empty string", part: "", bytes: Buffer.alloc(0) },
    { name: "null", part: null, bytes: Buffer.alloc(0) },
    { name: "number", part: 42, bytes: Buffer.from("42") },
  ];
  for (const c of cases) {
    await a.send(c.part);
    const msg = await b.receive();
    assert.equal(msg.length, 1, c.name);
    assert.ok(Buffer.isBuffer(msg[0]), `${c.name} arrives as a Buffer`);
    assert.deepEqual(msg[0], c.bytes, c.name);
  }
  await a.send(cases.map((c) => c.part));
  assert.deepEqual(await b.receive(), cases.map((c) => c.bytes), "all kinds as parts of one message");
});

test("readable and writable follow DEALER state", async (t) => {
  const [a, b] = track(t, new Dealer(), new Dealer());
  assert.equal(a.writable, false, "no peer: nothing can take a message");
  assert.equal(a.readable, false);
  const address = await bindResolved(a, bindAddress("inproc"));
  b.connect(address);
  assert.equal(b.writable, true, "a connect pipe queues at once");
  await b.send("x");
  await settle();
  assert.equal(a.readable, true);
  assert.equal(a.writable, true);
  await a.receive();
  assert.equal(a.readable, false);
  a.close();
  assert.equal(a.readable, false);
  assert.equal(a.writable, false);
});

test("readable and writable follow the REQ/REP state machine", async (t) => {
  const [rep, req] = await connected(t, new Reply(), new Request());
  assert.equal(req.writable, true);
  assert.equal(req.readable, false);
  assert.equal(rep.writable, false, "REP has nothing to reply to");
  await req.send("q");
  assert.equal(req.writable, false, "a request is in flight");
  await settle();
  assert.equal(rep.readable, true);
  await rep.receive();
  assert.equal(rep.readable, false);
  assert.equal(rep.writable, true);
  await rep.send("r");
  assert.equal(rep.writable, false);
  await settle();
  assert.equal(req.readable, true);
  await req.receive();
  assert.equal(req.writable, true);
});

test("options given to the constructor are set and used", async (t) => {
  const [a] = track(t, new Dealer({ sendHighWaterMark: 5, receiveTimeout: 0, linger: 0, routingId: "me" }));
  assert.equal(a.sendHighWaterMark, 5);
  assert.equal(a.receiveTimeout, 0);
  assert.equal(a.linger, 0);
  assert.equal(a.routingId, "me");
  await assert.rejects(a.receive(), { code: "EAGAIN" }, "receiveTimeout 0 is in effect");
  // The patterns' flags are write-only, as in zeromq.js: what they do shows they were set.
  const [r] = track(t, new Router({ mandatory: true, handover: true, sendTimeout: 0 }));
  assert.equal(r.handover, undefined);
  await assert.rejects(r.send(["nobody", "m"]), { code: "EHOSTUNREACH" }, "mandatory is in effect");
  const [q] = track(t, new Request({ correlate: true, relaxed: true }));
  assert.equal(q.relaxed, undefined);
  assert.equal(q.correlate, undefined);
});

test("unknown options, methods and read-only properties are refused by the constructor", () => {
  const bad: Record<string, unknown>[] = [{ noSuchOption: 1 }, { send: 1 }, { readable: true }, { mandatory: true }];
  for (const options of bad) {
    assert.throws(() => new Dealer(options as never), TypeError, JSON.stringify(options));
  }
  assert.throws(() => new Request({ handover: true } as never), TypeError, "a ROUTER option on a REQ");
});

test("routingId is sent as the Identity a ROUTER sees, as string or Buffer", async (t) => {
  const [router, d1, d2] = track(t, new Router(), new Dealer({ routingId: "alice" }), new Dealer({ routingId: Buffer.from([1, 2, 3]) }));
  const address = await bindResolved(router, bindAddress("tcp"));
  d1.connect(address);
  d2.connect(address);
  await d1.send("from alice");
  await d2.send("from 010203");
  const seen = new Map<string, string>();
  for (let i = 0; i < 2; i++) {
    const [id, body] = await router.receive();
    seen.set(id!.toString("hex"), body!.toString());
  }
  assert.equal(seen.get(Buffer.from("alice").toString("hex")), "from alice");
  assert.equal(seen.get("010203"), "from 010203");
  await router.send([Buffer.from("alice"), "hi alice"]);
  assert.deepEqual(texts(await d1.receive()), ["hi alice"]);
});

test("PAIR takes one peer only: a second one is refused and the first keeps working", async (t) => {
  const [server, first, second] = track(t, new Pair(), new Pair(), new Pair({ receiveTimeout: 0 }));
  const address = await bindResolved(server, bindAddress("tcp"));
  first.connect(address);
  await first.send("first");
  assert.deepEqual(texts(await server.receive()), ["first"]);
  const refused = nextEvent(server, "handshake:error:protocol");
  second.connect(address);
  await refused;
  await server.send("to the first");
  assert.deepEqual(texts(await first.receive()), ["to the first"]);
  await assert.rejects(second.receive(), { code: "EAGAIN" });
});

test("a socket's internal state cannot be set as a constructor option: only the documented options are accepted", async () => {
  const zmq = await import("../../../src/index.js");
  const types = ["Dealer", "Router", "Request", "Reply", "Pair", "Publisher", "Subscriber", "XPublisher", "XSubscriber", "Push", "Pull"] as const;
  const accepted = new Set<string>();
  for (const name of types) {
    const probe = new zmq[name]();
    for (const key of Object.keys(probe)) {
      try {
        new zmq[name]({ [key]: (probe as unknown as Record<string, unknown>)[key] } as object).close();
        accepted.add(key);
      } catch {
        // refused: not an option
      }
    }
    probe.close();
  }
  // Own data properties that are options (the rest are accessors on the prototype).
  assert.deepEqual([...accepted].sort(), [
    "authenticator", "idleTimeout", "maxConnections", "maxMessageParts", "maxSubscriptionBytes", "maxSubscriptionBytesPerPeer",
  ]);
});
