/**
 * Ctrl-C (SIGINT) ends every command with status 130, and SIGTERM with 143,
 * after it closed its sockets: long-running ones (demo, serve, sub, pub,
 * trace) and one-shot ones while they wait (call, lua call). A shell sees
 * the same status as for any other command stopped so.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FIXTURES, startCli, startDemo, type CliProcess } from "./cli-process.js";

/** A listener that accepts and never answers; resolves once it holds `count` connections. */
async function silentServer(count: number): Promise<{ port: number; reached: Promise<void>; close(): void }> {
  const held: net.Socket[] = [];
  let reachedResolve!: () => void;
  const reached = new Promise<void>((resolve) => (reachedResolve = resolve));
  const server = net.createServer((s) => {
    held.push(s);
    if (held.length >= count) reachedResolve();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    reached,
    close: () => {
      for (const s of held) s.destroy();
      server.close();
    },
  };
}

async function assertStops(proc: CliProcess, signal: NodeJS.Signals, status: number): Promise<void> {
  const ended = await proc.stop(signal);
  assert.deepEqual({ status: ended.status, signal: ended.signal }, { status, signal: null }, ended.stderr);
  assert.doesNotMatch(ended.stderr, /Error|at .*\.js:\d+/);
}

describe("signals", { concurrency: 4 }, () => {
  const waiting: Array<[string, () => Promise<CliProcess>]> = [
    ["demo", async () => {
      const p = startDemo();
      await p.waitForMatch(/^Ctrl-C stops the demo\.$/);
      return p;
    }],
    ["serve", async () => {
      const p = startCli("serve", join(FIXTURES, "calc-module.js"), "--bind", "tcp://127.0.0.1:0");
      await p.waitForMatch(/^serving /);
      return p;
    }],
    ["sub --bind", async () => {
      const p = startCli("sub", "tcp://127.0.0.1:0", "--bind");
      await p.waitForMatch(/listening on/, "stderr");
      return p;
    }],
    ["pub", async () => {
      const p = startCli("pub", "tcp://127.0.0.1:0", "t", "1");
      await p.waitForMatch(/^waiting on/, "stderr");
      return p;
    }],
    ["trace", async () => {
      const p = startCli("trace", "--listen", "tcp://127.0.0.1:0", "--to", "tcp://127.0.0.1:9");
      await p.waitForMatch(/^tracing ZMTP/);
      return p;
    }],
  ];
  for (const [name, start] of waiting) {
    test(`${name}: Ctrl-C exits 130, SIGTERM 143`, async () => {
      await assertStops(await start(), "SIGINT", 130);
      await assertStops(await start(), "SIGTERM", 143);
    });
  }

  test("call and lua call: Ctrl-C while waiting for the answer exits 130", async () => {
    // call dials twice (whether anything listens, then the call itself); lua call once.
    const rpc = await silentServer(2);
    const lua = await silentServer(1);
    try {
      const call = startCli("call", `tcp://127.0.0.1:${rpc.port}`, "add", "--timeout", "60000");
      const luaCall = startCli("lua", "call", `127.0.0.1:${lua.port}`, "f", "--timeout", "60000");
      await Promise.all([rpc.reached, lua.reached]);
      await assertStops(call, "SIGINT", 130);
      await assertStops(luaCall, "SIGINT", 130);
    } finally {
      rpc.close();
      lua.close();
    }
  });

  // On every runtime: Bun's and Deno's console.log drop the EPIPE that ends it.
  test("a reader that goes away ends sub quietly", async () => {
    const demo = startDemo("--interval", "20");
    try {
      const [, feed] = await demo.waitForMatch(/^PUB on (tcp:\/\/\S+):/);
      const sub = startCli("sub", feed!);
      await sub.waitForMatch(/^tick /);
      sub.child.stdout!.destroy();
      const ended = await sub.exited;
      assert.equal(ended.status, 0);
      assert.doesNotMatch(ended.stderr, /EPIPE|Error/);
    } finally {
      await demo.stop();
    }
  });
});
