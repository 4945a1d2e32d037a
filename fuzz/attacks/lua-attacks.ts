/**
 * Attacks on Lua RPC peers by one hostile peer (measured as `rpc-measure.ts`
 * says). Only default peer options are used, so the same code measures any
 * version.
 *
 * - `stalled`: a server that never answers; the client's 256 calls time out.
 * - `serving-bytes`: 256 calls of 1 MiB of arguments each to a slow procedure.
 * - `exposed-mutation`: remote `push`/`splice` on an exposed array, field
 *   reads of an exposed instance.
 */
import { once } from "node:events";
import * as net from "node:net";
import { encodeCallFrame, newClient, newMultiServer, type LuaRpcPeer } from "../../src/lua-rpc/index.js";
import type { Attack } from "./rpc-measure.js";

const MiB = 1024 * 1024;

async function listen(onSocket: (s: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer(onSocket);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as net.AddressInfo).port };
}

const stalled: Attack = async (scale) => {
  const timeout = scale === "full" ? 50 : 20;
  const { server, port } = await listen((s) => s.on("data", () => {})); // reads every call, answers none
  const client = await newClient("127.0.0.1", port, { timeout });
  const closed = new Promise<Error | undefined>((resolve) => client.once("close", resolve));
  client.on("error", () => {});
  try {
    const t0 = performance.now();
    await Promise.allSettled(Array.from({ length: 256 }, (_, i) => client.call("never", i)));
    const reason = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(() => resolve("no close"), 2000))]);
    // The next call must fail at once with the reason, not wait for a timeout.
    const t1 = performance.now();
    const next = await client.callWithOptions("after", [], { timeout: 1000 }).then(
      () => "answered",
      (e: { code?: string }) => e.code ?? "error",
    );
    const nextMs = performance.now() - t1;
    const code = typeof reason === "string" ? reason : ((reason as { code?: string } | undefined)?.code ?? "closed without reason");
    return {
      goodClientServed: next === "ERR_LUA_RPC_CLOSED" && nextMs < 500,
      goodClientMs: nextMs,
      bounded: code === "ERR_LUA_RPC_STALLED",
      note: `256 calls timed out after ${Math.round(performance.now() - t0)} ms in all; connection: ${code}; next call: ${next} after ${Math.round(nextMs)} ms`,
      ceilingMB: 32,
    };
  } finally {
    client.destroy();
    server.close();
  }
};

const servingBytes: Attack = async (scale) => {
  const calls = scale === "full" ? 256 : 64;
  let serving = 0;
  let maxServing = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = await newMultiServer("127.0.0.1", 0, () => {}, {
    expose: {
      // Every call is held until the server has taken in all it will: what it holds then is the claim.
      hold: async () => {
        serving++;
        maxServing = Math.max(maxServing, serving);
        await gate;
        serving--;
      },
      ping: () => "pong",
    },
  });
  const piece = "x".repeat(65_000);
  const frame = encodeCallFrame(0, "hold", Array.from({ length: 16 }, () => piece)); // about 1 MiB of arguments
  const evil = net.connect(server.port, "127.0.0.1");
  await once(evil, "connect");
  evil.on("data", () => {});
  evil.on("error", () => {});
  let good: LuaRpcPeer | undefined;
  try {
    // The same frame each time (a peer serves calls whatever their seq), written without waiting
    // for drain: what the server stops reading waits in our buffer as references to one frame.
    for (let i = 0; i < calls; i++) evil.write(frame);
    let seen = -1;
    while (seen !== maxServing) {
      seen = maxServing;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    release();
    good = await newClient("127.0.0.1", server.port, { timeout: 30_000 });
    const t0 = performance.now();
    const pong = await good.call("ping").then((r) => r[0], () => undefined);
    const goodMs = performance.now() - t0;
    for (let i = 0; i < 400 && serving > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const bound = Math.floor((16 * MiB) / frame.length);
    return {
      goodClientServed: pong === "pong",
      goodClientMs: goodMs,
      bounded: maxServing <= Math.max(1, bound),
      note: `${calls} calls of ${frame.length} octets: at most ${maxServing} served at once (16 MiB allows ${bound})`,
      // 16 MiB of payloads served, their decoded strings (twice), the frame decoder's buffer, plus slack.
      ceilingMB: 64 + 16 * 3,
    };
  } finally {
    evil.destroy();
    await good?.close();
    await server.close();
  }
};

class Service {
  secret = "s3cret";
  ping(): string {
    return "pong";
  }
}

const exposedMutation: Attack = async () => {
  const list = ["a", "b"];
  const server = await newMultiServer("127.0.0.1", 0, () => {}, { expose: { list, svc: new Service() } });
  const client = await newClient("127.0.0.1", server.port, { timeout: 5000 });
  try {
    const attempts = await Promise.all([
      client.call("list.push", "evil").then(() => "called", (e: { code?: string }) => e.code),
      client.call("list.splice", 0, 2).then(() => "called", (e: { code?: string }) => e.code),
      client.eval("svc.secret").then((v) => (v === null ? "nil" : `read ${String(v)}`), (e: { code?: string }) => e.code),
      client.call("__rpcinvoke", "list", "push", "evil").then(() => "called", (e: { code?: string }) => e.code),
    ]);
    const t0 = performance.now();
    const pong = await client.call("svc.ping");
    return {
      goodClientServed: pong[0] === "pong",
      goodClientMs: performance.now() - t0,
      bounded: list.length === 2 && list[0] === "a" && !attempts.some((a) => a === "called" || String(a).startsWith("read")),
      note: `push, splice, read of a field, invoke of push: ${attempts.join(", ")}; list now ${JSON.stringify(list)}`,
      ceilingMB: 32,
    };
  } finally {
    await client.close();
    await server.close();
  }
};

/** The Lua RPC attacks by name. */
export const LUA_ATTACKS: Readonly<Record<string, Attack>> = {
  stalled,
  "serving-bytes": servingBytes,
  "exposed-mutation": exposedMutation,
};
