/**
 * pyzmqrpc3 end to end: typed commands and services, the JSON status
 * responses (200, 400, 451, 463) as a REQ peer sees them, inproc, and the
 * REP->REQ proxies (acknowledging at once; the buffered one surviving a
 * restart of the downstream server), and the default size bounds of
 * what their sockets receive.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dealer, Request, Router } from "../../src/index.js";
import {
  BufferedProxyRep2Req,
  BufferedRequestSink,
  Command,
  CommandClient,
  CommandServer,
  CommandSubscription,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_REPLY_BYTES,
  ProxyRep2Pub,
  ProxyRep2Req,
  RpcError,
  ShutdownServer,
  defineCommand,
  pyzmqrpc as pz,
} from "../../src/rpc/index.js";
import { inprocEndpoint, within } from "./helpers.js";

const SimpleCommand = defineCommand("SimpleCommand", { param1: "", param2: "" });
const Unserved = defineCommand("Unserved", { x: 0 });

class AddCommand extends Command<{ a: number; b: number }> {
  a = 0;
  b = 0;
  constructor(a = 0, b = 0) {
    super();
    this.a = a;
    this.b = b;
  }
  getCommandState(): { a: number; b: number } {
    return { a: this.a, b: this.b };
  }
  setCommandState(state: { a: number; b: number }): void {
    this.a = state.a;
    this.b = state.b;
  }
}

class SimpleService {
  handle(command: InstanceType<typeof SimpleCommand>): string {
    if (command.param1 === "raise") throw new Error("asked to raise");
    return `SimpleService response text for SimpleCommand is "${command.param1}/${command.param2}"`;
  }
}

async function startCommandServer(address = "tcp://127.0.0.1:0", log?: unknown[]): Promise<CommandServer> {
  const server = new CommandServer();
  server.registerService(SimpleCommand, new SimpleService());
  server.registerService(AddCommand, (cmd) => {
    log?.push(cmd.a + cmd.b);
    return cmd.a + cmd.b;
  });
  await server.bind(address);
  return server;
}

async function rawRequest(endpoint: string, frame: Buffer | string): Promise<string> {
  const req = new Request({ linger: 0, receiveTimeout: 5000 });
  try {
    req.connect(endpoint);
    await req.send(frame);
    return (await req.receive())[0]!.toString("utf8");
  } finally {
    req.close();
  }
}

test("a REQ peer gets the reference's JSON responses", async (t) => {
  const server = await startCommandServer();
  t.after(() => server.close());
  const ep = server.endpoint!;
  assert.equal(
    await rawRequest(ep, pz.encodeCommand("SimpleCommand", { param1: "value1", param2: "value2" })),
    '{"status_code": 200, "status_message": "OK", "response_message": "SimpleService response text for SimpleCommand is \\"value1/value2\\""}',
  );
  assert.equal(
    await rawRequest(ep, pz.encodeCommand("Unserved", { x: 1 })),
    '{"status_code": 451, "status_message": "No service on the server is registered for command \\"Unserved\\"."}',
  );
  assert.equal(
    await rawRequest(ep, pz.encodeCommand("SimpleCommand", { param1: "raise", param2: "" })),
    '{"status_code": 463, "status_message": "Exception raised when calling service SimpleService. Exception: asked to raise "}',
  );
  assert.match(await rawRequest(ep, "not base64 at all!"), /^\{"status_code": 400, /);
});

test("CommandClient executes typed commands; remote errors carry the status code", async (t) => {
  const server = await startCommandServer();
  const client = new CommandClient(server.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.execute(new AddCommand(40, 2)), 42);
  assert.match(String(await client.execute(new SimpleCommand({ param1: "p", param2: "q" }))), /"p\/q"$/);
  await assert.rejects(client.execute(new Unserved()), (err: unknown) => {
    assert.ok(err instanceof RpcError);
    assert.equal(err.statusCode, 451);
    assert.equal(err.method, "Unserved");
    return true;
  });
  await assert.rejects(client.execute(new SimpleCommand({ param1: "raise" })), (err: RpcError) => err.statusCode === 463);
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => client.execute(new AddCommand(i, i))));
  assert.deepEqual(many, Array.from({ length: 20 }, (_, i) => 2 * i));
});

test("commands work over inproc (which the reference does not support)", async (t) => {
  const ep = inprocEndpoint();
  const server = await startCommandServer(ep);
  const client = new CommandClient(ep, { timeout: 2000 });
  t.after(() => (client.close(), server.close()));
  assert.equal(await client.execute(new AddCommand(1, 2)), 3);
});

test("registering twice for one command class is refused", (t) => {
  const server = new CommandServer();
  t.after(() => server.close());
  server.registerService(AddCommand, () => 0);
  assert.throws(() => server.registerService(AddCommand, () => 1), /already registered/);
  assert.throws(() => server.registerService(SimpleCommand, 5 as never), TypeError);
});

test("REP->REQ proxy acknowledges at once and forwards", async (t) => {
  const executed: unknown[] = [];
  const server = await startCommandServer("tcp://127.0.0.1:0", executed);
  const proxy = new ProxyRep2Req(server.endpoint!, { downstream: { timeout: 2000 } });
  await proxy.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(proxy.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), proxy.close(), server.close()));
  // The proxy answers 200 without the downstream result.
  assert.equal(await client.execute(new AddCommand(2, 3)), undefined);
  await within(
    (async () => {
      while (executed.length === 0) await new Promise((r) => setTimeout(r, 5));
    })(),
    3000,
    "forwarded command",
  );
  assert.deepEqual(executed, [5]);
});

test("the buffered REP->REQ proxy survives a restart of the downstream server", async (t) => {
  const executed: unknown[] = [];
  let server = await startCommandServer("tcp://127.0.0.1:0", executed);
  const downstream = server.endpoint!;
  const proxy = new BufferedProxyRep2Req(downstream, { downstream: { timeout: 200 } });
  await proxy.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(proxy.endpoint!, { timeout: 2000 });
  t.after(() => (client.close(), proxy.close(), server.close()));
  assert.equal(await client.execute(new AddCommand(1, 1)), undefined);
  const waitFor = (n: number) =>
    within(
      (async () => {
        while (proxy.delivered < n) await new Promise((r) => setTimeout(r, 10));
      })(),
      8000,
      `${n} delivered`,
    );
  await waitFor(1);
  server.close();
  // Acknowledged while the downstream server is down: buffered, not lost.
  for (let i = 2; i <= 4; i++) assert.equal(await client.execute(new AddCommand(i, i)), undefined);
  assert.ok(proxy.buffered >= 1);
  server = await startCommandServer(downstream, executed);
  await waitFor(4);
  assert.equal(proxy.buffered, 0);
  // At least once: each command arrived, in order (a resend may repeat one).
  const distinct = executed.filter((v, i) => executed.indexOf(v) === i);
  assert.deepEqual(distinct, [2, 4, 6, 8]);
});

test("ShutdownServer stops a server that opted in, after answering; others answer 451", async (t) => {
  assert.deepEqual(pz.decodeCommand(pz.encodeCommandObject(new ShutdownServer())), { name: "ShutdownServer", state: {} });
  const plain = await startCommandServer();
  t.after(() => plain.close());
  const toPlain = new CommandClient(plain.endpoint!, { timeout: 5000 });
  t.after(() => toPlain.close());
  await assert.rejects(toPlain.execute(new ShutdownServer()), (e: RpcError) => e.statusCode === 451);
  assert.equal(plain.closed, false);

  const server = new CommandServer({ shutdownCommand: true });
  await server.bind("tcp://127.0.0.1:0");
  t.after(() => server.close());
  const client = new CommandClient(server.endpoint!, { timeout: 5000 });
  t.after(() => client.close());
  assert.equal(await client.execute(new ShutdownServer()), undefined);
  await within((async () => {
    while (!server.closed) await new Promise((resolve) => setImmediate(resolve));
  })(), 5000, "the server closing");
});

test("servers, proxies and subscriptions take messages up to 16 MiB by default, clients replies up to 32 MiB; the socket option changes it", async (t) => {
  const server = new CommandServer();
  const subscription = new CommandSubscription("tcp://127.0.0.1:1", () => undefined);
  const lifted = new CommandServer({ socket: { maxMessageSize: -1 } });
  t.after(() => (server.close(), subscription.close(), lifted.close()));
  assert.equal(server.socket.maxMessageSize, DEFAULT_MAX_MESSAGE_BYTES);
  assert.equal(subscription.socket.maxMessageSize, DEFAULT_MAX_MESSAGE_BYTES);
  assert.equal(lifted.socket.maxMessageSize, -1);
  // A command inflates to 4 MiB unless the application set a size: the default size bound does not raise it.
  server.registerService(SimpleCommand, () => "ok");
  await server.bind("tcp://127.0.0.1:0");
  const raw = new Request({ linger: 0, receiveTimeout: 5000 });
  t.after(() => raw.close());
  raw.connect(server.endpoint!);
  const big = new SimpleCommand({ param1: "x".repeat(pz.DEFAULT_MAX_COMMAND_BYTES), param2: "" });
  await raw.send(pz.encodeCommandObject(big));
  assert.equal(pz.decodeResponse((await raw.receive())[0]!).statusCode, 400);
  // A proxy's frontend ends the connection of a request over 16 MiB.
  const proxy = new ProxyRep2Pub();
  const evil = new Dealer({ linger: 0 });
  t.after(() => (evil.close(), proxy.close()));
  await proxy.bind("tcp://127.0.0.1:0");
  const gone = new Promise<void>((resolve) => evil.events.on("disconnect", () => resolve()));
  evil.connect(proxy.endpoint!);
  await evil.send([Buffer.alloc(0), Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES + 1, 0x41)]);
  await within(gone, 5000, "the oversized request's connection");
  // A client ends the connection of a reply over 32 MiB.
  const router = new Router({ linger: 0 });
  t.after(() => router.close());
  await router.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(router.lastEndpoint!, { timeout: 60_000 });
  t.after(() => client.close());
  void client.execute(new SimpleCommand({ param1: "a", param2: "b" })).catch(() => undefined);
  const request = await router.receive();
  const dropped = new Promise<void>((resolve) => router.events.on("disconnect", () => resolve()));
  await router.send([...request.slice(0, -1), Buffer.alloc(DEFAULT_MAX_REPLY_BYTES + 1, 0x41)]);
  await within(dropped, 5000, "the oversized reply's connection");
});

test("the buffered proxy's sink holds at most maxBufferedBytes (default 64 MiB) while the downstream is away; past it a command is refused", (t) => {
  const sink = new BufferedRequestSink("tcp://127.0.0.1:1", { timeout: 60_000 });
  const small = new BufferedRequestSink("tcp://127.0.0.1:1", { timeout: 60_000, maxBufferedBytes: 2500 });
  t.after(() => (sink.close(), small.close()));
  const frame = Buffer.alloc(DEFAULT_MAX_MESSAGE_BYTES);
  for (let i = 0; i < DEFAULT_MAX_BUFFERED_BYTES / frame.length; i++) assert.ok(sink.offer(frame));
  assert.equal(sink.offer(Buffer.alloc(1)), false);
  assert.equal(sink.bufferedBytes, DEFAULT_MAX_BUFFERED_BYTES);
  assert.ok(small.offer(Buffer.alloc(1000)));
  assert.ok(small.offer(Buffer.alloc(1500)));
  assert.equal(small.offer(Buffer.alloc(1)), false);
  assert.equal(small.buffered, 2);
});
