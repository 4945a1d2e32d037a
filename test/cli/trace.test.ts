/**
 * `purezmq trace` as a child process between real peers: libzmq on both
 * sides for REQ/REP and PUB/SUB, our PLAIN server, a garbage sender, and
 * two Lua RPC peers. The relayed octets must arrive unchanged and the
 * reported events must say what crossed the wire.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as net from "node:net";
import { describe, test } from "node:test";
import * as zmq from "zeromq";
import { RpcServer, luaovermq } from "../../src/rpc/index.js";
import { newClient, newMultiServer } from "../../src/lua-rpc/index.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { patterned, refusingPlainServer, withDeadline } from "../interop/peers.js";
import { runCli, startCli, type CliProcess } from "./cli-process.js";

/** Starts a tracer towards `to`; resolves with it and the endpoint it listens on. */
async function startTrace(to: string, ...extra: string[]): Promise<{ trace: CliProcess; listen: string }> {
  const trace = startCli("trace", "--listen", "tcp://127.0.0.1:0", "--to", to, ...extra);
  const stream = extra.includes("--json") ? "stderr" : "stdout";
  const [, listen] = await trace.waitForMatch(/listening on (tcp:\/\/\S+), relaying to/, stream);
  return { trace, listen: listen! };
}

/** The port of a tcp:// endpoint. */
function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** The JSON events printed so far. */
function events(trace: CliProcess): TraceEvent[] {
  return trace.stdout.map((line) => JSON.parse(line) as TraceEvent);
}

/** Waits until `count` events match `pick`; resolves with them. */
function waitEvents<T extends TraceEvent>(trace: CliProcess, pick: (e: TraceEvent) => e is T, count: number, what: string): Promise<T[]> {
  return trace.waitFor(() => {
    const seen = events(trace).filter(pick);
    return seen.length >= count ? seen : undefined;
  }, what);
}

/** A type guard for one kind of event. */
function ofType<K extends TraceEvent["type"]>(type: K): (e: TraceEvent) => e is Extract<TraceEvent, { type: K }> {
  return (e): e is Extract<TraceEvent, { type: K }> => e.type === type;
}
const isMessage = ofType("message");
const isCommand = ofType("command");

describe("purezmq trace (ZMTP)", () => {
  test("REQ/REP between libzmq peers: greeting, READY, frames, RPC decoded, octets unchanged", async () => {
    const rep = new zmq.Reply({ linger: 0 });
    await rep.bind("tcp://127.0.0.1:0");
    const { trace, listen } = await startTrace(rep.lastEndpoint!, "--json");
    const req = new zmq.Request({ linger: 0, receiveTimeout: 10_000 });
    try {
      req.connect(listen);
      // An RPC request and reply, then a multipart message with a long
      // (over 255 octets) binary frame and an empty one.
      const request = luaovermq.encodeRequest("add", [2, 3]);
      await req.send(request);
      assert.deepEqual(await withDeadline(rep.receive(), 10_000, "the request"), [request]);
      await rep.send(luaovermq.encodeReply(5));
      assert.deepEqual(await req.receive(), luaovermq.encodeReply(5));
      const big = [Buffer.from("part"), patterned(300, 7), Buffer.alloc(0), randomBytes(40)];
      await req.send(big);
      assert.deepEqual(await withDeadline(rep.receive(), 10_000, "the multipart message"), big);
      await rep.send(big.slice().reverse());
      assert.deepEqual(await req.receive(), big.slice().reverse());

      const messages = await waitEvents(trace, isMessage, 4, "four messages");
      const all = events(trace);
      const greetings = all.filter((e) => e.type === "greeting").map(({ conn: _conn, ...g }) => g);
      assert.deepEqual(greetings.sort((a, b) => a.dir.localeCompare(b.dir)), [
        { type: "greeting", dir: "c>s", version: "3.1", mechanism: "NULL", asServer: false },
        { type: "greeting", dir: "s>c", version: "3.1", mechanism: "NULL", asServer: false },
      ]);
      // READY names exactly as libzmq sends them.
      const ready = all.filter(isCommand).filter((c) => c.name === "READY");
      assert.deepEqual(ready.find((c) => c.dir === "c>s")?.detail, { metadata: { "Socket-Type": "REQ", Identity: "" } });
      assert.deepEqual(ready.find((c) => c.dir === "s>c")?.detail, { metadata: { "Socket-Type": "REP" } });

      const [call, reply, multi, back] = messages;
      assert.equal(call!.dir, "c>s");
      assert.deepEqual(call!.frames.map((f) => [f.size, f.flags]), [[0, ["MORE"]], [request.length, []]]);
      assert.equal(call!.frames[1]!.hex, request.toString("hex"));
      assert.deepEqual(call!.decoded, { rpc: "request", method: "add", args: [2, 3] });
      assert.equal(reply!.dir, "s>c");
      assert.deepEqual(reply!.decoded, { rpc: "reply", status: "OK", value: 5 });
      assert.deepEqual(multi!.frames.map((f) => f.size), [0, 4, 300, 0, 40]);
      assert.deepEqual(multi!.frames[2]!.flags, ["MORE", "LONG"]);
      assert.equal(multi!.frames[2]!.hex, big[1]!.subarray(0, 24).toString("hex"));
      assert.equal(multi!.frames[1]!.text, "part");
      assert.equal(multi!.decoded, undefined);
      assert.deepEqual(back!.frames.map((f) => f.size), [0, 40, 0, 300, 4]);
      assert.ok(!all.some((e) => e.type === "violation"), "no violation in a clean session");
    } finally {
      req.close();
      rep.close();
      await trace.stop();
    }
  });

  test("PUB/SUB between libzmq peers: SUBSCRIBE shown, published values decoded", async () => {
    const pub = new zmq.XPublisher({ linger: 0 });
    await pub.bind("tcp://127.0.0.1:0");
    const { trace, listen } = await startTrace(pub.lastEndpoint!, "--json");
    const sub = new zmq.Subscriber({ linger: 0, receiveTimeout: 10_000 });
    try {
      sub.connect(listen);
      sub.subscribe("weather");
      // XPUB hands the subscription over: it has reached the publisher.
      const [subscription] = await withDeadline(pub.receive(), 10_000, "the subscription");
      assert.deepEqual(subscription, Buffer.from("\x01weather", "latin1"));
      const message = luaovermq.encodePublish("weather", { t: 21.5, sky: "clear" });
      await pub.send(["news", "not subscribed"]);
      await pub.send(message);
      assert.deepEqual(await sub.receive(), message);

      const [published] = await waitEvents(trace, isMessage, 1, "the published message");
      // libzmq 4.3.5 speaks ZMTP 3.1, so the subscription travels as a SUBSCRIBE command.
      const subscribe = events(trace).filter(isCommand).find((c) => c.name === "SUBSCRIBE");
      assert.deepEqual(subscribe && { dir: subscribe.dir, detail: subscribe.detail }, {
        dir: "c>s",
        detail: { topic: Buffer.from("weather").toString("hex"), text: "weather" },
      });
      assert.equal(published!.dir, "s>c");
      assert.deepEqual(published!.decoded, { publish: "weather", value: { t: 21.5, sky: "clear" } });
      assert.ok(!events(trace).some((e) => e.type === "message" && e.frames[0]!.text === "news"), "filtered at the publisher");
    } finally {
      sub.close();
      pub.close();
      await trace.stop();
    }
  });

  test("PLAIN: HELLO shows the user name and hides the password (text output)", async () => {
    const server = new RpcServer({ plain: { users: { alice: "s3cret-pw" } } });
    server.register("add", (a: number, b: number) => a + b);
    await server.bind("tcp://127.0.0.1:0");
    const { trace, listen } = await startTrace(server.endpoint!);
    try {
      const call = await runCli(["call", listen, "add", "2", "3", "--plain", "alice:s3cret-pw"]);
      assert.equal(call.stdout, "5", call.stderr);
      await trace.waitForMatch(/^#1 s>c message .* => reply OK 5$/);
      const text = trace.stdout.join("\n");
      assert.match(text, /^#1 c>s greeting ZMTP 3\.1 PLAIN as-server=0$/m);
      assert.match(text, /^#1 s>c greeting ZMTP 3\.1 PLAIN as-server=1$/m);
      assert.match(text, /^#1 c>s HELLO username=alice password=\*\*\*$/m);
      assert.match(text, /^#1 s>c WELCOME size=0$/m);
      assert.match(text, /^#1 c>s INITIATE metadata=\{"Socket-Type":"DEALER"/m);
      assert.match(text, /^#1 c>s message .* => request add\(2, 3\)$/m);
      assert.doesNotMatch(text, /s3cret/);
    } finally {
      server.close();
      await trace.stop();
    }
  });

  test("a libzmq PLAIN refusal shows as a refusal with its reason, not as a violation", async () => {
    const server = await refusingPlainServer();
    const { trace, listen } = await startTrace(server.endpoint, "--json");
    const req = new zmq.Request({ linger: 0, plainUsername: "mallory", plainPassword: "guess" });
    try {
      req.connect(listen);
      const [error] = await waitEvents(trace, (e): e is Extract<TraceEvent, { type: "command" }> => isCommand(e) && e.name === "ERROR", 1, "the ERROR");
      assert.deepEqual({ dir: error!.dir, detail: error!.detail }, {
        dir: "s>c",
        detail: { reason: "400", refused: "ZAP status 400 (credentials refused)", form: "libzmq 4.3 (name written 5E 'RROR', not 05 'ERROR')" },
      });
      assert.ok(!events(trace).some((e) => e.type === "violation"), JSON.stringify(events(trace)));
    } finally {
      req.close();
      server.close();
      await trace.stop();
    }
  });

  test("an ipc --listen removes its socket file on exit, also on a second Ctrl-C", async () => {
    for (const signals of [["SIGINT"], ["SIGINT", "SIGINT"]] as const) {
      const path = join(tmpdir(), `purezmq-trace-${randomBytes(6).toString("hex")}.sock`);
      const trace = startCli("trace", "--listen", `ipc://${path}`, "--to", "tcp://127.0.0.1:1");
      await trace.waitForMatch(/listening on ipc:/);
      assert.ok(existsSync(path), "the socket file exists while tracing");
      // A connection held open, so that closing has something to wait for.
      const client = net.connect(path);
      client.on("error", () => undefined);
      await new Promise((resolve) => client.once("connect", resolve));
      for (const s of signals) process.kill(trace.child.pid!, s);
      const ended = await trace.exited;
      client.destroy();
      assert.equal(ended.status, 130, ended.stderr);
      assert.ok(!existsSync(path), `no socket file left after ${signals.join(" ")}`);
    }
  });

  test("garbage: a violation is reported and the octets still pass unchanged", async () => {
    const received: Buffer[] = [];
    let gotAll: () => void = () => undefined;
    const garbage = Buffer.concat([Buffer.from("GET / HTTP/1.1\r\n\r\n"), randomBytes(3000)]);
    const target = net.createServer((s) => {
      s.on("data", (d: Buffer) => {
        received.push(d);
        if (Buffer.concat(received).length >= garbage.length) gotAll();
      });
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const port = (target.address() as net.AddressInfo).port;
    const { trace, listen } = await startTrace(`tcp://127.0.0.1:${port}`, "--json");
    const client = net.connect(portOf(listen), "127.0.0.1");
    try {
      const all = new Promise<void>((resolve) => (gotAll = resolve));
      client.write(garbage);
      await withDeadline(all, 10_000, "the relayed garbage");
      assert.deepEqual(Buffer.concat(received), garbage);
      const [violation] = await waitEvents(trace, ofType("violation"), 1, "a violation");
      assert.equal(violation!.dir, "c>s");
      assert.match(violation!.error, /greeting does not start with 0xFF/);
      client.end();
      await waitEvents(trace, ofType("close"), 1, "the close");
    } finally {
      client.destroy();
      target.close();
      await trace.stop();
    }
  });

  test("an unreachable target closes the client's connection with a reason", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { trace, listen } = await startTrace(`tcp://127.0.0.1:${port}`, "--json");
    const client = net.connect(portOf(listen), "127.0.0.1");
    try {
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      client.on("error", () => undefined);
      await withDeadline(closed, 10_000, "the client's connection to close");
      const [close] = await waitEvents(trace, ofType("close"), 1, "the close");
      assert.match(close!.reason ?? "", /^server: .*ECONNREFUSED/);
    } finally {
      client.destroy();
      await trace.stop();
    }
  });
});

describe("purezmq trace --lua", () => {
  test("shows calls and responses between two Lua RPC peers", async () => {
    const server = await newMultiServer("127.0.0.1", 0, () => undefined, { expose: { math: { max: Math.max } } });
    // --to as `lua call` takes it: host:port, no scheme.
    const { trace, listen } = await startTrace(`127.0.0.1:${server.port}`, "--lua", "--json");
    const port = portOf(listen);
    const peer = await newClient("127.0.0.1", port, { timeout: 10_000 });
    try {
      assert.deepEqual(await peer.call("math.max", 1, 2.5, -3), [2.5]);
      await assert.rejects(peer.call("math.nope"), /nope/);
      const lua = await waitEvents(trace, ofType("lua"), 4, "four Lua frames");
      assert.deepEqual(
        lua.map(({ dir, kind, detail }) => ({ dir, kind, detail })),
        [
          { dir: "c>s", kind: "call", detail: { name: "math.max", args: [1, 2.5, -3] } },
          { dir: "s>c", kind: "response", detail: { status: 0, meaning: "OK", results: [2.5] } },
          { dir: "c>s", kind: "call", detail: { name: "math.nope", args: [] } },
          { dir: "s>c", kind: "response", detail: { status: 2, meaning: "no such procedure", results: [] } },
        ],
      );
      assert.equal(lua[0]!.seq, lua[1]!.seq, "the response answers the call's sequence number");
      assert.equal(lua[2]!.seq, lua[3]!.seq);
    } finally {
      await peer.close();
      await server.close();
      await trace.stop();
    }
  });
});
