/**
 * RPC interop with libzmq (the `zeromq` package) and @msgpack/msgpack:
 * a libzmq REQ client written like the LuaOverMQ Python connector against
 * our server, our client against libzmq REP/ROUTER servers, and the Manley
 * and pyzmqrpc3 formats both ways.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode, encode } from "@msgpack/msgpack";
import * as zmq from "zeromq";
import {
  CommandClient,
  CommandServer,
  RpcClient,
  RpcServer,
  RpcTimeoutError,
  defineCommand,
  manley,
  pyzmqrpc as pz,
} from "../../src/rpc/index.js";

/** The seed connector's `call`, over a libzmq REQ: two-frame reply, OK or raise. */
class SeedConnector {
  readonly socket: zmq.Request;
  constructor(uri: string, timeout = 2000, options: zmq.SocketOptions<zmq.Request> = {}) {
    this.socket = new zmq.Request({ receiveTimeout: timeout, sendTimeout: timeout, linger: 0, ...options });
    this.socket.connect(uri);
  }
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    await this.socket.send(Buffer.from(encode([method, ...args])));
    const [s1, s2] = await this.socket.receive();
    const status = s1!.toString();
    const result = decode(s2!);
    if (status === "OK") return result;
    throw new Error(`RPCRuntimeError: ${String(result)}`);
  }
  close(): void {
    this.socket.close();
  }
}

async function ourServer(options: ConstructorParameters<typeof RpcServer>[0] = {}): Promise<RpcServer> {
  const server = new RpcServer(options);
  server.register("your_function", (a: string, b: number, c: boolean) => ({ got: [a, b, c] }));
  server.register("my.namespace.mult", (a: number, b: number) => a * b);
  server.register("fail", () => {
    throw new Error("nope");
  });
  await server.bind("tcp://127.0.0.1:0");
  return server;
}

test("libzmq REQ (seed connector logic) -> our server", async (t) => {
  const server = await ourServer();
  const rpc = new SeedConnector(server.endpoint!);
  t.after(() => (rpc.close(), server.close()));
  assert.deepEqual(await rpc.call("your_function", "arg1", 2, true), { got: ["arg1", 2, true] });
  assert.equal(await rpc.call("my.namespace.mult", 5, 7), 35);
  await assert.rejects(rpc.call("missing"), /RPCRuntimeError: function 'missing' not found/);
  await assert.rejects(rpc.call("fail"), /RPCRuntimeError: nope/);
  // Malformed msgpack: answered (the original server would hang the REQ).
  await rpc.socket.send(Buffer.from([0xc1]));
  const [status, payload] = await rpc.socket.receive();
  assert.equal(status!.toString(), "ERROR");
  assert.match(String(decode(payload!)), /^malformed msgpack request: /);
  assert.equal(await rpc.call("my.namespace.mult", 6, 7), 42);
});

/** A LuaOverMQ server as the seed runs it: libzmq REP, one request at a time. */
async function libzmqRepServer(handlers: Record<string, (...args: never[]) => unknown>): Promise<zmq.Reply> {
  const rep = new zmq.Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:0");
  void (async () => {
    try {
      for await (const [frame] of rep) {
        const [method, ...args] = decode(frame!) as [string, ...never[]];
        const fn = handlers[method];
        if (fn === undefined) await rep.send(["ERROR", Buffer.from(encode(`function '${method}' not found`))]);
        else await rep.send(["OK", Buffer.from(encode(await fn(...args)))]);
      }
    } catch {
      /* closed */
    }
  })();
  return rep;
}

test("our client -> libzmq REP server: correlation frames round-trip", async (t) => {
  const rep = await libzmqRepServer({
    add: (a: number, b: number) => a + b,
    slow: async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return ms;
    },
  });
  const client = new RpcClient(rep.lastEndpoint!, { timeout: 2000 });
  t.after(() => (client.close(), rep.close()));
  assert.equal(await client.call("add", 2, 3), 5);
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => client.call("add", i, i)));
  assert.deepEqual(many, Array.from({ length: 20 }, (_, i) => 2 * i));
  await assert.rejects(client.call("nope"), (err: Error & { remoteMessage?: string }) => err.remoteMessage === "function 'nope' not found");
  // A timed-out call's late reply is dropped; the next calls get their own replies.
  await assert.rejects(client.invoke("slow", [200], { timeout: 30 }), RpcTimeoutError);
  assert.deepEqual(await Promise.all([client.call("add", 1, 1), client.call("add", 2, 2)]), [2, 4]);
  const batch = client.batch();
  batch.add("add", 10, 1);
  batch.add("nope");
  const results = await batch.send();
  assert.deepEqual(results[0], { ok: true, value: 11 });
  assert.equal(results[1]!.ok, false);
});

test("libzmq REQ -> our Manley server, and our Manley client -> a libzmq ROUTER expecting REQ envelopes", async (t) => {
  const server = await ourServer({ protocol: "manley" });
  const req = new zmq.Request({ receiveTimeout: 2000, linger: 0 });
  req.connect(server.endpoint!);
  const router = new zmq.Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(router.lastEndpoint!, { protocol: "manley", timeout: 2000 });
  t.after(() => (client.close(), req.close(), router.close(), server.close()));

  await req.send('[["my.namespace.mult", [5, 7], {}], ["missing", [], {}]]');
  const [frame] = await req.receive();
  const entries = manley.decodeResponse(frame!, 2);
  assert.deepEqual(entries[0], { success: true, result: 35 });
  assert.equal(!entries[1]!.success && entries[1]!.error_type, "KeyError");

  void (async () => {
    try {
      for await (const msg of router) {
        assert.equal(msg.length, 3, "exactly [id, '', body] as from a REQ");
        const calls = manley.decodeRequest(msg[2]!);
        const out = calls.map((c) => manley.resultEntry((c.args as number[]).reduce((a, b) => a * b, 1)));
        await router.send([msg[0]!, "", manley.encodeResponse(out)]);
      }
    } catch {
      /* closed */
    }
  })();
  assert.equal(await client.call("my.namespace.mult", 6, 7), 42);
  const multicall = client.batch();
  multicall.add("x", 2, 2);
  multicall.add("x", 3, 3);
  assert.deepEqual(await multicall.values(), [4, 9]);
});

const SimpleCommand = defineCommand("SimpleCommand", { param1: "", param2: "" });

test("pyzmqrpc3 format: libzmq REQ -> our CommandServer, our CommandClient -> libzmq REP", async (t) => {
  const server = new CommandServer();
  server.registerService(SimpleCommand, (cmd) => `${cmd.param1}+${cmd.param2}`);
  await server.bind("tcp://127.0.0.1:0");
  const req = new zmq.Request({ receiveTimeout: 2000, linger: 0 });
  req.connect(server.endpoint!);
  const rep = new zmq.Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:0");
  const client = new CommandClient(rep.lastEndpoint!, { timeout: 2000 });
  t.after(() => (client.close(), req.close(), rep.close(), server.close()));

  await req.send(pz.encodeCommand("SimpleCommand", { param1: "a", param2: "b" }));
  const [resp] = await req.receive();
  assert.equal(resp!.toString(), '{"status_code": 200, "status_message": "OK", "response_message": "a+b"}');

  void (async () => {
    try {
      for await (const [frame] of rep) {
        const { name, state } = pz.decodeCommand(frame!);
        const s = state as { param1: string };
        await rep.send(name === "SimpleCommand" ? pz.okResponse(s.param1.toUpperCase()) : pz.noServiceResponse(name));
      }
    } catch {
      /* closed */
    }
  })();
  assert.equal(await client.execute(new SimpleCommand({ param1: "shout" })), "SHOUT");
});

test("PLAIN: libzmq REQ with credentials -> our server requiring them", async (t) => {
  const server = await ourServer({ plain: { users: { admin: "secret" } } });
  const rpc = new SeedConnector(server.endpoint!, 2000, { plainUsername: "admin", plainPassword: "secret" });
  t.after(() => (rpc.close(), server.close()));
  assert.equal(await rpc.call("my.namespace.mult", 3, 5), 15);
});
