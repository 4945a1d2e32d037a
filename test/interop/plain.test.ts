/**
 * PLAIN and ZAP against libzmq 4.3 (the `zeromq` package), both ways:
 * a purezmq client against a libzmq PLAIN server whose ZAP handler is a
 * `zmq.Reply` on `inproc://zeromq.zap.01`, and a libzmq client against a
 * purezmq PLAIN server with either kind of authenticator (a ZAP socket in
 * its Context, or `plainAuthenticator`), right and wrong passwords; then
 * DEALER/ROUTER with PLAIN both ways.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "zeromq";
import * as ours from "../../src/index.js";
import { withDeadline } from "./peers.js";

const USER = "admin";
const PASSWORD = "interop-secret-77";
const WRONG = "interop-wrong-13";

/** libzmq's ZAP handler, in the default context of the libzmq side (one per process). */
let libzmqZap: zmq.Reply;
const libzmqZapRequests: string[][] = [];

before(async () => {
  libzmqZap = new zmq.Reply({ linger: 0 });
  await libzmqZap.bind("inproc://zeromq.zap.01");
  void (async () => {
    for await (const frames of libzmqZap) {
      libzmqZapRequests.push(frames.map((f) => f.toString()));
      const ok = frames[6]?.toString() === USER && frames[7]?.toString() === PASSWORD;
      await libzmqZap.send(["1.0", frames[1]!, ok ? "200" : "400", ok ? "OK" : "Denied", ok ? USER : "", ""]);
    }
  })();
});

after(() => libzmqZap.close());

/** Resolves with the next event of `type` from either library's socket. */
type SeenEvent = { type: string; error?: { status?: number; message: string } };

function nextEvent(socket: { events: unknown }, type: string, ms = 5000): Promise<SeenEvent> {
  const events = socket.events as { on(t: string, fn: (e: SeenEvent) => void): unknown };
  return withDeadline(
    new Promise((resolve) => {
      let done = false;
      events.on(type, (e) => {
        if (!done) {
          done = true;
          resolve(e);
        }
      });
    }),
    ms,
    `the "${type}" event`,
  );
}

test("purezmq REQ -> libzmq PLAIN REP: right password", async () => {
  const server = new zmq.Reply({ plainServer: true, linger: 0 });
  const client = new ours.Request({ plainUsername: USER, plainPassword: PASSWORD, receiveTimeout: 5000 });
  try {
    await server.bind("tcp://127.0.0.1:0");
    client.connect(server.lastEndpoint!);
    await client.send("ping");
    const [msg] = await withDeadline(server.receive(), 5000, "the request");
    assert.equal(msg!.toString(), "ping");
    await server.send("pong");
    assert.equal((await client.receive())[0]!.toString(), "pong");
    const last = libzmqZapRequests.at(-1)!;
    assert.deepEqual(last.slice(2), ["", "127.0.0.1", "", "PLAIN", USER, PASSWORD]);
  } finally {
    client.close();
    server.close();
  }
});

test("purezmq REQ -> libzmq PLAIN REP: wrong password gives EACCES promptly and libzmq reports the auth failure", async () => {
  const server = new zmq.Reply({ plainServer: true, linger: 0 });
  const client = new ours.Request({ plainUsername: USER, plainPassword: WRONG });
  try {
    await server.bind("tcp://127.0.0.1:0");
    const serverAuth = nextEvent(server, "handshake:error:auth");
    const clientAuth = nextEvent(client, "handshake:error:auth");
    client.connect(server.lastEndpoint!);
    await client.send("ping");
    const started = Date.now();
    await assert.rejects(withDeadline(client.receive(), 5000, "the refusal"), (e: unknown) => {
      assert.ok(e instanceof ours.ZmqError);
      assert.equal(e.code, "EACCES");
      assert.ok(!e.message.includes(WRONG));
      return true;
    });
    assert.ok(Date.now() - started < 2000, "promptly");
    assert.equal((await serverAuth).error?.status, 400);
    assert.equal((await clientAuth).error?.status, 400);
  } finally {
    client.close();
    server.close();
  }
});

/** A purezmq PLAIN REP, with a ZAP socket in its own Context or with plainAuthenticator. */
async function oursServer(kind: "zap" | "callback"): Promise<{ server: ours.Reply; close: () => void }> {
  if (kind === "callback") {
    const server = new ours.Reply({ plainServer: true, authenticator: ours.plainAuthenticator({ users: { [USER]: PASSWORD } }) });
    await server.bind("tcp://127.0.0.1:0");
    return { server, close: () => server.close() };
  }
  const context = new ours.Context();
  const zap = new ours.Reply({ context });
  await zap.bind(ours.ZAP_ENDPOINT);
  void (async () => {
    for await (const frames of zap) {
      const ok = frames[6]!.toString() === USER && frames[7]!.toString() === PASSWORD;
      await zap.send(["1.0", frames[1]!, ok ? "200" : "400", ok ? "OK" : "Denied", ok ? USER : "", ""]);
    }
  })();
  const server = new ours.Reply({ context, plainServer: true });
  await server.bind("tcp://127.0.0.1:0");
  return { server, close: () => (server.close(), zap.close()) };
}

for (const kind of ["zap", "callback"] as const) {
  test(`libzmq REQ -> purezmq PLAIN REP (${kind} authenticator): right password`, async () => {
    const { server, close } = await oursServer(kind);
    const client = new zmq.Request({ plainUsername: USER, plainPassword: PASSWORD, linger: 0, receiveTimeout: 5000 });
    try {
      client.connect(server.lastEndpoint!);
      await client.send("hello");
      const [msg] = await withDeadline(server.receive(), 5000, "the request");
      assert.equal(msg!.toString(), "hello");
      await server.send("world");
      assert.equal((await client.receive())[0]!.toString(), "world");
    } finally {
      client.close();
      close();
    }
  });

  test(`libzmq REQ -> purezmq PLAIN REP (${kind} authenticator): wrong password`, async () => {
    const { server, close } = await oursServer(kind);
    const client = new zmq.Request({ plainUsername: USER, plainPassword: WRONG, linger: 0 });
    try {
      const serverAuth = nextEvent(server, "handshake:error:auth");
      const clientAuth = nextEvent(client, "handshake:error:auth");
      client.connect(server.lastEndpoint!);
      const se = await serverAuth;
      assert.equal(se.error?.status, 400);
      assert.ok(!se.error!.message.includes(WRONG));
      // libzmq reads our ERROR as an authentication failure with its status.
      assert.equal((await clientAuth).error?.status, 400);
    } finally {
      client.close();
      close();
    }
  });
}

test("DEALER/ROUTER with PLAIN: purezmq DEALER -> libzmq ROUTER, and libzmq DEALER -> purezmq ROUTER", async () => {
  const libRouter = new zmq.Router({ plainServer: true, linger: 0 });
  const ourDealer = new ours.Dealer({ plainUsername: USER, plainPassword: PASSWORD, routingId: "d1" });
  const ourRouter = new ours.Router({ plainServer: true, authenticator: ours.plainAuthenticator({ users: { [USER]: PASSWORD } }) });
  const libDealer = new zmq.Dealer({ plainUsername: USER, plainPassword: PASSWORD, routingId: "d2", linger: 0 });
  try {
    await libRouter.bind("tcp://127.0.0.1:0");
    await ourRouter.bind("tcp://127.0.0.1:0");
    ourDealer.connect(libRouter.lastEndpoint!);
    libDealer.connect(ourRouter.lastEndpoint!);

    await ourDealer.send(["a", "b"]);
    const [id1, ...body1] = await withDeadline(libRouter.receive(), 5000, "libzmq ROUTER");
    assert.equal(id1!.toString(), "d1");
    assert.deepEqual(body1.map(String), ["a", "b"]);
    await libRouter.send([id1!, "back"]);
    assert.equal((await withDeadline(ourDealer.receive(), 5000, "our DEALER"))[0]!.toString(), "back");

    await libDealer.send(["c"]);
    const [id2, body2] = await withDeadline(ourRouter.receive(), 5000, "our ROUTER");
    assert.equal(id2!.toString(), "d2");
    assert.equal(body2!.toString(), "c");
    await ourRouter.send([id2!, "back2"]);
    assert.equal((await withDeadline(libDealer.receive(), 5000, "libzmq DEALER"))[0]!.toString(), "back2");
  } finally {
    for (const s of [libRouter, ourDealer, ourRouter, libDealer]) s.close();
  }
});
