/**
 * Process lifetime, differentially: a script (fixtures/lifetime.ts) run as
 * its own process against zeromq.js and against purezmq must end the same
 * way: same exit code, same output lines (modulo PIDs and ports). Idle
 * sockets let a process end; a pending operation keeps it up; queued
 * messages hold the exit as `linger` and `context.blocky` say, with
 * zeromq.js's warning. RPC has no zeromq.js counterpart: its rules are
 * pinned on purezmq alone.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Pull, Push, Router } from "../../src/index.js";
import { pendingHolds } from "../../src/zmtp/keep-alive.js";
import { newClient } from "../../src/lua-rpc/index.js";
import { RpcClient, RpcServer } from "../../src/rpc/index.js";
import { differs, same, type LibName } from "./differential.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/lifetime.js", import.meta.url));
/** A child that outlives this is stuck: the test fails instead of hanging. */
const CHILD_DEADLINE = 15_000;
const WARNING = "(node:PID) WARNING: Waiting for queued ZeroMQ messages to be delivered. Set 'context.blocky = false' to change this behaviour.";

interface Ended {
  code: number | null;
  stdout: string[];
  stderr: string[];
}

/** One run of the fixture, with its output lines as they come. */
class Child {
  readonly ended: Promise<Ended>;
  private readonly lines: Record<"stdout" | "stderr", string[]> = { stdout: [], stderr: [] };
  private readonly waiters: Array<() => void> = [];

  constructor(lib: LibName, scenario: string, arg?: string) {
    const child = spawn(process.execPath, [FIXTURE, lib, scenario, ...(arg === undefined ? [] : [arg])], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_DEADLINE);
    for (const name of ["stdout", "stderr"] as const) {
      let partial = "";
      child[name].setEncoding("utf8").on("data", (chunk: string) => {
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        this.lines[name].push(...parts);
        for (const w of this.waiters.splice(0)) w();
      });
    }
    this.ended = new Promise((resolve) => {
      child.on("close", (code) => {
        clearTimeout(timer);
        for (const w of this.waiters.splice(0)) w();
        resolve({ code, stdout: this.lines.stdout.map(normalise), stderr: this.lines.stderr.map(normalise) });
      });
    });
  }

  /** Resolves with the first line of `stream` that `match` accepts (as printed), once it is printed. */
  async line(stream: "stdout" | "stderr", match: (line: string) => boolean): Promise<string> {
    let exited = false;
    void this.ended.then(() => (exited = true));
    for (;;) {
      const found = this.lines[stream].find(match);
      if (found !== undefined) return found;
      if (exited) throw new Error(`the child ended without printing the line awaited on ${stream}: ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/** PIDs and ephemeral ports differ from run to run. */
function normalise(line: string): string {
  return line.replace(/\(node:\d+\)/, "(node:PID)").replace(/tcp:\/\/127\.0\.0\.1:\d+/, "tcp://127.0.0.1:PORT");
}

/** A fresh ipc endpoint that nothing listens on yet. */
function ipcEndpoint(): string {
  return `ipc://${join(tmpdir(), `purezmq-lifetime-${randomBytes(6).toString("hex")}.sock`)}`;
}

/** Binds a PULL at `endpoint` and returns the first message's text. */
async function receiveOne(endpoint: string): Promise<string> {
  const pull = new Pull();
  try {
    await pull.bind(endpoint);
    return String(await pull.receive());
  } finally {
    pull.close();
  }
}

same("an idle connected socket (tcp, inproc) does not keep the process alive", async (_zmq, { lib }) => {
  return new Child(lib, "idle").ended;
}, { code: 0, stdout: ["tcp ping", "inproc ping"], stderr: [] });

same("a pending receive keeps the process alive until a message comes", async (_zmq, { lib }) => {
  const child = new Child(lib, "receive");
  const endpoint = await child.line("stdout", (l) => l.startsWith("tcp://"));
  const push = new Push();
  try {
    // The child printed its endpoint and has nothing left to do but wait: only the pending receive keeps it up.
    push.connect(endpoint);
    await push.send("hello");
    return await child.ended;
  } finally {
    push.close();
  }
}, { code: 0, stdout: ["tcp://127.0.0.1:PORT", "got hello"], stderr: [] });

same("a pending send keeps the process alive until the message can be queued", async (_zmq, { lib }) => {
  const endpoint = ipcEndpoint();
  const child = new Child(lib, "send", endpoint);
  await child.line("stdout", (l) => l === "pending");
  const got = await receiveOne(endpoint);
  return { got, ...(await child.ended) };
}, { got: "blocked", code: 0, stdout: ["pending", "sent"], stderr: [] });

for (const scenario of ["queued", "queued-closed"]) {
  same(`${scenario === "queued" ? "a socket left open" : "a socket closed"} with a message queued for an absent peer holds the exit, with the warning, until it is delivered (linger -1)`, async (_zmq, { lib }) => {
    const endpoint = ipcEndpoint();
    const child = new Child(lib, scenario, endpoint);
    // The warning comes when the exit has waited 500 ms; the peer appears only then.
    await child.line("stderr", (l) => l.includes("WARNING"));
    const got = await receiveOne(endpoint);
    return { got, ...(await child.ended) };
  }, { got: "queued", code: 0, stdout: ["queued, linger -1"], stderr: [WARNING] });
}

same("linger 0: a queued message does not hold the exit", async (_zmq, { lib }) => {
  return new Child(lib, "queued-linger-0", ipcEndpoint()).ended;
}, { code: 0, stdout: ["queued, linger 0"], stderr: [] });

same("a context that is not blocky gives new sockets linger 0: no wait at exit", async (_zmq, { lib }) => {
  return new Child(lib, "queued-not-blocky", ipcEndpoint()).ended;
}, { code: 0, stdout: ["queued, linger 0"], stderr: [] });

same("linger 300: the exit waits for the linger, under the warning's 500 ms", async (_zmq, { lib }) => {
  const child = new Child(lib, "queued-linger-300", ipcEndpoint());
  await child.line("stdout", (l) => l.startsWith("queued"));
  const started = performance.now();
  const ended = await child.ended;
  return { waited: performance.now() - started >= 250, ...ended };
}, { waited: true, code: 0, stdout: ["queued, linger 300"], stderr: [] });

same("linger 800: the exit waits, warns after 500 ms, then drops the message", async (_zmq, { lib }) => {
  return new Child(lib, "queued-linger-800", ipcEndpoint()).ended;
}, { code: 0, stdout: ["queued, linger 800"], stderr: [WARNING] });

same("a worker whose sockets are idle (tcp, inproc) ends, and so does the process", async (_zmq, { lib }) => {
  return new Child(lib, "worker").ended;
}, { code: 0, stdout: ["worker: tcp ping", "worker: inproc ping", "worker exit 0"], stderr: [] });

same("a worker with a receive pending on inproc stays up until a message from the main thread comes", async (_zmq, { lib }) => {
  return new Child(lib, "worker-receive").ended;
}, { code: 0, stdout: ["worker: bound", "worker: got across threads", "worker exit 0"], stderr: [] });

differs("the warning comes before the process's exit event", async (_zmq, { lib }) => {
  // One file for both streams keeps the order in which the lines were written.
  const out = join(tmpdir(), `purezmq-lifetime-${randomBytes(6).toString("hex")}.log`);
  const fd = openSync(out, "w");
  try {
    const child = spawn(process.execPath, [FIXTURE, lib, "exit-order", ipcEndpoint()], { stdio: ["ignore", fd, fd] });
    const code = await new Promise((resolve) => child.on("close", resolve));
    return { code, lines: readFileSync(out, "utf8").split("\n").filter(Boolean).map(normalise) };
  } finally {
    closeSync(fd);
    rmSync(out, { force: true });
  }
}, {
  zeromq: { code: 0, lines: ["queued", "exit event", WARNING] },
  purezmq: { code: 0, lines: ["queued", WARNING, "exit event"] },
}, "purezmq waits for queued messages before the exit event, when the event loop empties; zeromq.js waits after it, while the process is being torn down");

test("RpcServer: a bound server keeps the process alive until it is closed", async () => {
  const child = new Child("purezmq", "rpc-server");
  const endpoint = await child.line("stdout", (l) => l.startsWith("tcp://"));
  const client = new RpcClient(endpoint);
  try {
    // Served after the script's last line ran: the server alone kept the process up.
    assert.equal(await client.call("stop"), "stopping");
  } finally {
    client.close();
  }
  assert.deepEqual(await child.ended, { code: 0, stdout: ["tcp://127.0.0.1:PORT"], stderr: [] }, "closed, the server let the process end");
});

test("RpcClient: a pending call keeps the process alive; an idle client, left open, does not", async () => {
  const endpoint = ipcEndpoint();
  const child = new Child("purezmq", "rpc-client", endpoint);
  await child.line("stdout", (l) => l === "calling");
  const server = new RpcServer().register("add", (a: number, b: number) => a + b);
  try {
    await server.bind(endpoint);
    assert.deepEqual(await child.ended, { code: 0, stdout: ["calling", "answer 5"], stderr: [] });
  } finally {
    server.close();
  }
});

test("Lua RPC: a listening server keeps the process alive until it is closed, as a node:net server does", async () => {
  const child = new Child("purezmq", "lua-rpc-server");
  const port = await child.line("stdout", (l) => /^\d+$/.test(l));
  const peer = await newClient("127.0.0.1", Number(port));
  try {
    assert.deepEqual(await peer.call("stop"), ["stopping"]);
  } finally {
    await peer.close();
  }
  assert.deepEqual(await child.ended, { code: 0, stdout: [port], stderr: [] }, "closed, the server and its peers let the process end");
});

test("a pending receive, send or events.receive() holds the loop until it settles; one that completes at once holds nothing", async (t) => {
  const router = new Router({ receiveTimeout: 50 });
  t.after(() => router.close());
  const base = pendingHolds();
  const receiving = router.receive();
  assert.equal(pendingHolds(), base + 1, "a pending receive holds");
  await assert.rejects(receiving, { code: "EAGAIN" });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pendingHolds(), base, "released when it timed out");

  const event = router.events.receive();
  assert.equal(pendingHolds(), base + 1, "a pending events.receive() holds");
  await router.bind("inproc://lifetime-holds");
  assert.equal((await event)?.type, "bind");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pendingHolds(), base, "released when an event came");

  const push = new Push({ sendHighWaterMark: 1 });
  t.after(() => push.close());
  const sending = push.send("no peer yet");
  assert.equal(pendingHolds(), base + 1, "a pending send holds");
  push.close();
  await assert.rejects(sending);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pendingHolds(), base, "released when the socket closed");

  const dealer = new Push();
  t.after(() => dealer.close());
  dealer.connect("inproc://lifetime-holds");
  await dealer.send("queued at once");
  assert.equal(pendingHolds(), base, "a send that queues at once holds nothing");
});
