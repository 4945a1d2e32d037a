/**
 * The `purezmq` command run as a child process: demo, call (against our
 * server, a libzmq REP server, Manley JSON, PLAIN), serve, pub and sub, lua
 * call, and the exit statuses of failures (bad command lines: command-lines.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { decode, encode } from "@msgpack/msgpack";
import * as zmq from "zeromq";
import { RpcServer } from "../../src/rpc/index.js";
import { newMultiServer, multi, type LuaRpcServer } from "../../src/lua-rpc/index.js";
import { FIXTURES, assertFailure, assertPrints, runCli, startCli, startDemo, type CliProcess } from "./cli-process.js";

describe("purezmq demo", () => {
  test("answers calls and publishes ticks that sub prints", async () => {
    const demo = startDemo("--interval", "50");
    try {
      const [, rpc] = await demo.waitForMatch(/^RPC server .* on (tcp:\/\/\S+):/);
      const [, feed] = await demo.waitForMatch(/^PUB on (tcp:\/\/\S+):/);
      const [, lua] = await demo.waitForMatch(/^Lua RPC peer on (\S+):/);
      // What the demo tells to try works as printed (the README's lines).
      assertPrints(await runCli(["lua", "call", lua!, "math.max", "1", "2.5"]), "2.5");
      assert.ok(demo.stdout.includes(`  npx purezmq lua call ${lua} math.max 1 2.5`));
      assert.doesNotMatch(demo.stdout.join("\n"), /Python|RPCClient/);
      assertPrints(await runCli(["call", rpc!, "add", "2", "3"]), "5");
      assertPrints(await runCli(["call", rpc!, "my.namespace.mult", "5", "7"]), "35");
      const echo = await runCli(["call", rpc!, "echo", '{"a":[1,"x"]}']);
      assert.deepEqual(JSON.parse(echo.stdout), { a: [1, "x"] });

      const sub = startCli("sub", feed!, "tick", "--json");
      const ticks = await sub.waitFor(() => (sub.stdout.length >= 2 ? sub.stdout.slice(0, 2) : undefined), "two ticks");
      const [first, second] = ticks.map((l) => JSON.parse(l) as { topic: string; value: { n: number; time: string } });
      assert.equal(first!.topic, "tick");
      assert.equal(typeof first!.value.n, "number");
      assert.equal(second!.value.n, first!.value.n + 1);
      assert.ok(!Number.isNaN(Date.parse(first!.value.time)));
      // Ctrl-C ends sub cleanly: status 130, no signal death, nothing on stderr.
      const ended = await sub.stop("SIGINT");
      assert.deepEqual([ended.status, ended.signal, ended.stderr], [130, null, ""]);
    } finally {
      const ended = await demo.stop("SIGTERM");
      // The demo closes its sockets on SIGTERM and exits by itself, 128 + 15.
      assert.deepEqual([ended.status, ended.signal], [143, null], ended.stderr);
    }
  });
});

describe("purezmq call", () => {
  let server: RpcServer;
  let manley: RpcServer;
  let zerorpc: RpcServer;
  let plain: RpcServer;

  before(async () => {
    server = new RpcServer();
    server.register("add", (a: number, b: number) => a + b);
    server.register("boom", () => {
      throw new TypeError("it went boom");
    });
    server.register("bytes", () => Buffer.from([0xde, 0xad]));
    server.register("echo", (v: unknown) => v);
    await server.bind("tcp://127.0.0.1:0");
    manley = new RpcServer({ protocol: "manley" });
    manley.register("add", (a: number, b: number) => a + b);
    await manley.bind("tcp://127.0.0.1:0");
    zerorpc = new RpcServer({ protocol: "zerorpc", name: "calc" });
    zerorpc.register("add", (a: number, b: number) => a + b);
    await zerorpc.bind("tcp://127.0.0.1:0");
    plain = new RpcServer({ plain: { users: { alice: "s3cret:x" } } });
    plain.register("whoami", () => "alice's server");
    await plain.bind("tcp://127.0.0.1:0");
  });
  after(() => {
    server.close();
    manley.close();
    zerorpc.close();
    plain.close();
  });

  test("prints the result as JSON", async () => {
    assertPrints(await runCli(["call", server.endpoint!, "add", "2", "40"]), "42");
    // Binary results print as hex, not as a list of numbers.
    assert.deepEqual(JSON.parse((await runCli(["call", server.endpoint!, "bytes"])).stdout), { hex: "dead" });
  });

  test("a remote error exits 1 with its message", async () => {
    assertFailure(await runCli(["call", server.endpoint!, "boom"]), 1, /^purezmq call: .*it went boom.*\(EREMOTE\)$/);
    assertFailure(await runCli(["call", server.endpoint!, "nosuch"]), 1, /nosuch/);
  });

  test("--protocol manley speaks the Manley protocol", async () => {
    assertPrints(await runCli(["call", manley.endpoint!, "add", "2", "3", "--protocol", "manley"]), "5");
  });

  test("--protocol zerorpc speaks dotcloud zerorpc, reserved methods included", async () => {
    assertPrints(await runCli(["call", zerorpc.endpoint!, "add", "2", "3", "--protocol", "zerorpc"]), "5");
    assertPrints(await runCli(["call", zerorpc.endpoint!, "_zerorpc_name", "--protocol", "zerorpc"]), '"calc"');
  });

  test("a reply of another protocol exits 3 with a hint to try --protocol", async () => {
    assertFailure(await runCli(["call", server.endpoint!, "add", "2", "3", "--protocol", "manley"]), 3,
      /^purezmq call: reply must be one frame, got 2: the server may speak another protocol, try --protocol luaovermq or --protocol zerorpc \(EPROTO\)$/);
  });

  test("NaN and ±Infinity print as JavaScript writes them; --json prints strict JSON", async () => {
    assertPrints(await runCli(["call", server.endpoint!, "echo", "NaN"]), "NaN");
    assertPrints(await runCli(["call", server.endpoint!, "echo", "[1, -Infinity]"]), '"[1, -Infinity]"');
    assertPrints(await runCli(["call", server.endpoint!, "add", "Infinity", "1"]), "Infinity");
    assertPrints(await runCli(["call", server.endpoint!, "echo", "NaN", "--json"]), "null");
  });

  test("--plain with the right password is served", async () => {
    assertPrints(await runCli(["call", plain.endpoint!, "whoami", "--plain", "alice:s3cret:x"]), '"alice\'s server"');
  });

  test("no --plain against a PLAIN server exits 1 and says to give it", async () => {
    assertFailure(await runCli(["call", plain.endpoint!, "whoami"]), 1,
      /^purezmq call: tcp:\/\/\S+ uses the PLAIN mechanism, this socket uses NULL: check the --plain user:pass the server expects \(EPROTO\)$/);
    // sub has no --plain: it says that it cannot log in.
    assertFailure(await runCli(["sub", plain.endpoint!]), 1, /^purezmq sub: .*PLAIN.*: the server wants PLAIN credentials, which this command does not send \(EPROTO\)$/);
  });

  test("--plain with a wrong password exits 1 at once with a clear line", async () => {
    const started = performance.now();
    const r = await runCli(["call", plain.endpoint!, "whoami", "--plain", "alice:wrong", "--timeout", "20000"]);
    assertFailure(r, 1, /^purezmq call: authentication refused by tcp:\/\/\S+ \(ZAP status 400\): check the --plain user:pass the server expects \(EACCES\)$/);
    assert.doesNotMatch(r.stderr, /connect\(\)/, "no library advice");
    assert.equal(r.stderr.split("\n").length, 1);
    assert.doesNotMatch(r.stderr, /wrong/, "the password is not echoed");
    // Well before the 20 s call timeout: the refusal is reported, not waited out.
    assert.ok(performance.now() - started < 5000);
  });

  test("against a libzmq REP server speaking LuaOverMQ", async () => {
    const rep = new zmq.Reply({ linger: 0 });
    await rep.bind("tcp://127.0.0.1:0");
    const serving = (async () => {
      for await (const [request] of rep) {
        const [method, ...args] = decode(request!) as [string, ...number[]];
        if (method === "mult") await rep.send(["OK", encode(args[0]! * args[1]!)]);
        else await rep.send(["ERROR", encode(`function '${method}' not found`)]);
      }
    })();
    try {
      assertPrints(await runCli(["call", rep.lastEndpoint!, "mult", "6", "7"]), "42");
      assertFailure(await runCli(["call", rep.lastEndpoint!, "nope"]), 1, /function 'nope' not found/);
    } finally {
      rep.close();
      await serving.catch(() => undefined);
    }
  });
});

describe("purezmq serve", () => {
  test("serves a module's functions and objects", async () => {
    const serve = startCli("serve", join(FIXTURES, "calc-module.js"), "--bind", "tcp://127.0.0.1:0");
    try {
      const [, methods, endpoint] = await serve.waitForMatch(/^serving (.*) on (tcp:\/\/\S+)$/);
      assert.deepEqual(methods!.split(", ").filter((m) => !m.startsWith("rpc.")).sort(), ["calc.fail", "calc.mul", "greet"]);
      assertPrints(await runCli(["call", endpoint!, "greet", "bob"]), '"hello bob"');
      assertPrints(await runCli(["call", endpoint!, "calc.mul", "6", "7"]), "42");
      assertFailure(await runCli(["call", endpoint!, "calc.fail"]), 1, /calc\.fail always fails/);
    } finally {
      await serve.stop();
    }
  });

  test("a module with nothing to serve exits 1", async () => {
    assertFailure(await runCli(["serve", join(FIXTURES, "empty-module.js"), "--bind", "tcp://127.0.0.1:0"]), 1, /exports no functions/);
  });
});

describe("purezmq pub and sub", () => {
  test("pub waits for the subscriber, then sub prints every message", async () => {
    const pub = startCli("pub", "tcp://127.0.0.1:0", "weather", '{"t":21}', "--count", "3", "--interval", "10");
    let sub: CliProcess | undefined;
    try {
      const [, endpoint] = await pub.waitForMatch(/^waiting on (tcp:\/\/\S+) for a subscriber/, "stderr");
      sub = startCli("sub", endpoint!, "weather", "--json");
      const lines = await sub.waitFor(() => (sub!.stdout.length >= 3 ? sub!.stdout : undefined), "three messages");
      assert.deepEqual(lines.map((l) => JSON.parse(l)), Array(3).fill({ topic: "weather", value: { t: 21 } }));
      const published = await pub.exited;
      assert.equal(published.status, 0, published.stderr);
      assert.deepEqual(pub.stdout, ['published weather {"t":21} (1/3)', 'published weather {"t":21} (2/3)', 'published weather {"t":21} (3/3)']);
    } finally {
      await pub.stop();
      await sub?.stop();
    }
  });

  test("sub --bind and pub --connect, plain text output", async () => {
    const sub = startCli("sub", "tcp://127.0.0.1:0", "--bind");
    try {
      const [, endpoint] = await sub.waitForMatch(/listening on (tcp:\/\/\S+)$/, "stderr");
      const pub = await runCli(["pub", endpoint!, "news", "hello there", "--connect"]);
      assert.equal(pub.status, 0, pub.stderr);
      await sub.waitForMatch(/^news "hello there"$/);
    } finally {
      await sub.stop("SIGINT");
    }
  });
});

describe("purezmq lua call", () => {
  let lua: LuaRpcServer;
  before(async () => {
    lua = await newMultiServer("127.0.0.1", 0, () => undefined, {
      expose: { math: { max: Math.max }, pair: () => multi("a", 2), fail: () => { throw new Error("lua side failed"); } },
    });
  });
  after(() => lua.close());

  test("calls a Lua RPC peer and prints its results", async () => {
    assertPrints(await runCli(["lua", "call", `127.0.0.1:${lua.port}`, "math.max", "1", "2.5", "-3"]), "2.5");
    // Several results print as a list.
    assertPrints(await runCli(["lua", "call", `127.0.0.1:${lua.port}`, "pair"]), '["a",2]');
  });

  test("a Lua error exits 1", async () => {
    assertFailure(await runCli(["lua", "call", `127.0.0.1:${lua.port}`, "fail"]), 1, /^purezmq lua: .*lua side failed/);
  });
});
