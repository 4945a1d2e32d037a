/**
 * `purezmq call`, `sub` and `trace` against servers that answer with
 * garbage, with too much, or with escape sequences meant for the terminal:
 * one line on stderr and exit status 3 for a protocol error or a reply over
 * `--max-reply`, and nothing from the network reaching the terminal raw.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, test } from "node:test";
import { Publisher } from "../../src/index.js";
import { RpcServer, luaovermq } from "../../src/rpc/index.js";
import { runCli, startCli } from "../cli/cli-process.js";
import { answeringRouter, startTracer, traceEvents, zmtpOpening } from "./cli-hostile-peers.js";

/** Erases the screen, retitles the window, rings, a one-octet CSI, a right-to-left override. */
const NASTY = "\x1b[2J\x1b]0;pwned\x07\u009b31m\u202eevil";
/** Any character a terminal acts on. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

/** The exit status of a protocol error from the peer (see src/cli/main.ts). */
const PEER_ERROR = 3;

describe("purezmq call against hostile servers", () => {
  test("a reply over --max-reply: one line, exit 3, before the reply is buffered", async () => {
    const server = await answeringRouter(() => luaovermq.encodeReply("x".repeat(100_000)));
    try {
      const r = await runCli(["call", server.endpoint, "add", "1", "2", "--max-reply", "1000"]);
      assert.equal(r.status, PEER_ERROR, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^purezmq call: the reply is larger than --max-reply 1000 bytes \(EMSGSIZE\)$/);
      // Under the limit, the same reply is printed.
      const ok = await runCli(["call", server.endpoint, "add", "--max-reply", "200000"]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal(ok.stdout, JSON.stringify("x".repeat(100_000)));
    } finally {
      server.close();
    }
  });

  test("garbage frames after the handshake: one line, exit 3 (not a silent 13)", async () => {
    const server = net.createServer((s) => {
      s.on("error", () => undefined);
      s.once("data", () => s.write(Buffer.concat([zmtpOpening("ROUTER"), Buffer.from([0xff, 0xff, 0x1b, 0x5b, 0x32, 0x4a])])));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const r = await runCli(["call", `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`, "add", "1", "2"]);
      assert.equal(r.status, PEER_ERROR, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^purezmq call: the server broke the protocol: invalid frame flags 0xff: reserved bits set \(EPROTO\)$/);
    } finally {
      server.close();
    }
  });

  test("a reply that is not msgpack: one line, exit 3", async () => {
    const server = await answeringRouter(() => [Buffer.from("OK"), Buffer.from([0xc1, 0x1b, 0x5b])]);
    try {
      const r = await runCli(["call", server.endpoint, "add"]);
      assert.equal(r.status, PEER_ERROR, r.stderr);
      assert.match(r.stderr, /^purezmq call: malformed msgpack: .*\(EPROTO\)$/);
    } finally {
      server.close();
    }
  });

  test("lua call: a malformed Lua RPC frame from the server: one line, exit 3", async () => {
    const server = net.createServer((s) => {
      s.on("error", () => undefined);
      s.once("data", () => s.write(Buffer.from([9, 0, 0, 0, 0, 1, 0])));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const r = await runCli(["lua", "call", `127.0.0.1:${(server.address() as net.AddressInfo).port}`, "f"]);
      assert.equal(r.status, PEER_ERROR, r.stderr);
      assert.match(r.stderr, /^purezmq lua: .*bad message type 9 \(ERR_LUA_RPC_CLOSED\)$/);
    } finally {
      server.close();
    }
  });

  test("a result nested 100,000 deep: one line naming the nesting bound, exit 3", async () => {
    const server = await answeringRouter(() => [Buffer.from("OK"), Buffer.concat([Buffer.alloc(100_000, 0x91), Buffer.from([0xc0])])]);
    try {
      const r = await runCli(["call", server.endpoint, "add"]);
      assert.equal(r.status, PEER_ERROR, r.stderr);
      assert.match(r.stderr, /^purezmq call: value nested deeper than 100 levels \(EPROTO\)$/m);
      assert.equal(r.stdout, "");
    } finally {
      server.close();
    }
  });
});

describe("purezmq sub against a hostile publisher", () => {
  test("a message over --max-message ends that connection with a line on stderr; sub goes on", async () => {
    const pub = new Publisher({ linger: 0 });
    await pub.bind("tcp://127.0.0.1:0");
    const sub = startCli("sub", pub.lastEndpoint!, "--max-message", "1000");
    // Published until the subscription has reached the publisher.
    const timer = setInterval(() => void pub.send(["big", Buffer.alloc(10_000)]), 20);
    try {
      await sub.waitForMatch(/^purezmq sub: tcp:\/\/\S+ disconnected: a message larger than --max-message 1000 bytes \(EMSGSIZE\)$/, "stderr");
      assert.equal(sub.stdout.length, 0);
      assert.equal(sub.child.exitCode, null, "still running");
    } finally {
      clearInterval(timer);
      await sub.stop("SIGINT");
      pub.close();
    }
  });
});

describe("escape sequences from the network are printed escaped", () => {
  let server: RpcServer;
  before(async () => {
    server = new RpcServer();
    server.register("nasty", () => NASTY);
    server.register("fail", () => {
      throw new Error(NASTY);
    });
    await server.bind("tcp://127.0.0.1:0");
  });
  after(() => server.close());

  test("call: a result and a remote error", async () => {
    const r = await runCli(["call", server.endpoint!, "nasty"]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROL);
    assert.equal(JSON.parse(r.stdout), NASTY, "still JSON of the same string");
    const f = await runCli(["call", server.endpoint!, "fail"]);
    assert.equal(f.status, 1);
    assert.doesNotMatch(f.stderr, RAW_CONTROL);
    assert.match(f.stderr, /\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202eevil/);
  });

  test("trace (text): a method name and a result", async () => {
    const proc = startCli("trace", "--listen", "tcp://127.0.0.1:0", "--to", server.endpoint!);
    try {
      const [, listen] = await proc.waitForMatch(/listening on (tcp:\/\/\S+),/);
      await runCli(["call", listen!, "nasty"]);
      await runCli(["call", listen!, `x${NASTY}`]);
      await proc.waitForMatch(/=> reply OK "/);
      await proc.waitForMatch(/=> reply ERROR /);
      const text = proc.stdout.join("\n");
      assert.doesNotMatch(text, RAW_CONTROL);
      assert.match(text, /=> request x\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m\\u202eevil\(\)$/m);
    } finally {
      await proc.stop();
    }
  });

  test("sub: a topic and a value", async () => {
    const pub = new Publisher({ linger: 0 });
    await pub.bind("tcp://127.0.0.1:0");
    const sub = startCli("sub", pub.lastEndpoint!);
    // Published until the subscription has reached the publisher and a line is printed.
    const timer = setInterval(() => void pub.send(luaovermq.encodePublish(NASTY, NASTY)), 20);
    try {
      const line = await sub.waitFor(() => sub.stdout.find((l) => l.includes("evil")), "a published message");
      assert.doesNotMatch(line!, RAW_CONTROL);
      assert.match(line!, /^\\x1b\[2J.*evil "\\u001b\[2J/);
    } finally {
      clearInterval(timer);
      await sub.stop("SIGINT");
      pub.close();
    }
  });
});

describe("purezmq trace: a refused PLAIN login", () => {
  test("shows libzmq's form of ERROR with its status, not a violation", async () => {
    const server = new RpcServer({ plain: { users: { alice: "right" } } });
    await server.bind("tcp://127.0.0.1:0");
    const t = await startTracer(server.endpoint!);
    try {
      const r = await runCli(["call", `tcp://127.0.0.1:${t.port}`, "add", "--plain", "alice:wrong"]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /EACCES/);
      const error = await t.proc.waitFor(() => traceEvents(t).find((e) => e.name === "ERROR"), "the ERROR command");
      assert.deepEqual({ dir: error.dir, detail: error.detail }, {
        dir: "s>c",
        detail: { reason: "400", refused: "ZAP status 400 (credentials refused)", form: "libzmq 4.3 (name written 5E 'RROR', not 05 'ERROR')" },
      });
      assert.ok(!traceEvents(t).some((e) => e.type === "violation"));
    } finally {
      await t.proc.stop();
      server.close();
    }
  });
});
