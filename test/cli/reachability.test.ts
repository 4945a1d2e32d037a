/**
 * "Nothing listens there" and "no answer in time" read differently, and
 * every command that dials ends within its --timeout: a refused port, an
 * unknown host, a listener that accepts and never answers, and one whose
 * backlog is full so that connections never open.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { assertFailure, freePort, runCli, startCli } from "./cli-process.js";

/** A listener that accepts connections and never sends a byte. */
let silent: net.Server;
const held: net.Socket[] = [];

/**
 * A listener that never accepts (listen backlog 0, in a process that never
 * calls accept), with its queue filled, so that further connections never
 * open: what a firewall that drops packets looks like.
 */
let stuck: { proc: ChildProcess; port: number };
const fillers: net.Socket[] = [];

/** Connects; resolves whether the connection opened within `ms`. */
function opens(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    fillers.push(s);
    const timer = setTimeout(() => resolve(false), ms);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

before(async () => {
  silent = net.createServer((s) => held.push(s));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const proc = spawn("python3", ["-c", [
    "import socket, sys",
    "s = socket.socket()",
    "s.bind(('127.0.0.1', 0))",
    "s.listen(0)",
    "print(s.getsockname()[1], flush=True)",
    "sys.stdin.read()",
  ].join("\n")], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString())));
    proc.once("error", reject);
  });
  stuck = { proc, port };
  // Fill the accept queue until a connection no longer opens.
  for (let i = 0; i < 16 && (await opens(port, 300)); i++);
});

after(() => {
  for (const s of [...held, ...fillers]) s.destroy();
  silent.close();
  stuck.proc.kill();
});

describe("nothing listening, no answer", { concurrency: 4 }, () => {
  test("call: a refused port says nothing listens, at once", async () => {
    const port = await freePort();
    const started = performance.now();
    assertFailure(await runCli(["call", `tcp://127.0.0.1:${port}`, "add", "1", "2", "--timeout", "20000"]), 1,
      new RegExp(`^purezmq call: nothing listens at tcp://127\\.0\\.0\\.1:${port} \\(connection refused\\): start the server first, or check the address and port \\(ECONNREFUSED\\)$`));
    assert.ok(performance.now() - started < 10_000);
  });

  test("lua call: a refused port says the same", async () => {
    const port = await freePort();
    assertFailure(await runCli(["lua", "call", `127.0.0.1:${port}`, "f"]), 1, /^purezmq lua: nothing listens at 127\.0\.0\.1:\d+ \(connection refused\).*\(ECONNREFUSED\)$/);
  });

  test("call: an unknown host says to check the host name", async () => {
    assertFailure(await runCli(["call", "tcp://no-such-host.invalid:5555", "add"]), 1, /^purezmq call: (unknown host in tcp:\/\/no-such-host\.invalid:5555: check the host name \(ENOTFOUND\)|cannot resolve .*\(EAI_AGAIN\))$/);
  });

  test("call: a server that never answers is no answer within --timeout", async () => {
    const { port } = silent.address() as net.AddressInfo;
    assertFailure(await runCli(["call", `tcp://127.0.0.1:${port}`, "add", "--timeout", "300"]), 1,
      /^purezmq call: no answer from tcp:\/\/127\.0\.0\.1:\d+ within 300 ms: the server is busy, or speaks another protocol \(--protocol manley or --protocol zerorpc\); raise --timeout to wait longer \(ETIMEDOUT\)$/);
  });

  test("lua call: a peer that never answers is no answer within --timeout", async () => {
    const { port } = silent.address() as net.AddressInfo;
    assertFailure(await runCli(["lua", "call", `127.0.0.1:${port}`, "f", "--timeout", "300"]), 1, /^purezmq lua: no answer from 127\.0\.0\.1:\d+ within 300 ms.*\(ETIMEDOUT\)$/);
  });

  test("a listener that never accepts: call, lua call and pub --connect end after --timeout", async () => {
    const where = `127.0.0.1:${stuck.port}`;
    const [call, lua, pub] = await Promise.all([
      runCli(["call", `tcp://${where}`, "add", "--timeout", "400"]),
      runCli(["lua", "call", where, "f", "--timeout", "400"]),
      runCli(["pub", `tcp://${where}`, "t", "1", "--connect", "--timeout", "400"]),
    ]);
    assertFailure(call, 1, /^purezmq call: no connection to tcp:\/\/127\.0\.0\.1:\d+ within 400 ms: .*raise --timeout.*\(ETIMEDOUT\)$/);
    assertFailure(lua, 1, /^purezmq lua: no connection to 127\.0\.0\.1:\d+ within 400 ms: .*\(ETIMEDOUT\)$/);
    assertFailure(pub, 1, /^purezmq pub: no connection to tcp:\/\/127\.0\.0\.1:\d+ within 400 ms/);
  });

  test("pub --connect to a publisher says it is not a subscriber and what to run", async () => {
    const demo = startCli("pub", "tcp://127.0.0.1:0", "x", "1");
    try {
      const [, endpoint] = await demo.waitForMatch(/^waiting on (tcp:\/\/\S+) for a subscriber/, "stderr");
      assertFailure(await runCli(["pub", endpoint!, "t", "1", "--connect"]), 1,
        /^purezmq pub: tcp:\/\/\S+ is not a subscriber \(.*\): with --connect, start a subscriber that binds first \(purezmq sub --bind tcp:\/\/\S+\)/);
    } finally {
      await demo.stop();
    }
  });

  test("pub: no subscriber within --timeout", async () => {
    assertFailure(await runCli(["pub", "tcp://127.0.0.1:0", "news", "1", "--timeout", "200"]), 1, /^waiting on tcp:\/\/\S+ for a subscriber to "news"\npurezmq pub: no subscriber to "news" came within 200 ms: start one \(purezmq sub tcp:\/\/\S+ news\) \(ETIMEDOUT\)$/);
  });

  test("sub: a publisher not there yet is said on stderr, and sub goes on waiting", async () => {
    const port = await freePort();
    const sub = startCli("sub", `tcp://127.0.0.1:${port}`, "t");
    try {
      await sub.waitForMatch(/^purezmq sub: nothing listens at tcp:\/\/127\.0\.0\.1:\d+ \(connection refused\).*; waiting for it \(Ctrl-C to stop\)$/, "stderr");
    } finally {
      const ended = await sub.stop("SIGINT");
      assert.equal(ended.status, 130);
    }
  });
});
