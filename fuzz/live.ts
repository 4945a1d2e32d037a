/**
 * Live-server fuzzing: a running RpcServer, a Publisher and a Lua RPC
 * server (`newMultiServer`) on loopback take batches of raw connections
 * that send mutated valid traffic, arbitrary octets, or a partial greeting
 * and then hang, reset or close. After each batch: a well-behaved RpcClient,
 * Subscriber and Lua RPC client still get correct answers; no unhandled
 * rejection or uncaught exception happened; open handles
 * (`process.getActiveResourcesInfo()`) return to their baseline; and at
 * the end the heap is back near its baseline. Run through
 * `npm run fuzz -- --only live`.
 */
import * as net from "node:net";
import fc from "fast-check";
import { bytesArb, cutsArb, chunk, mutate, mutationsArb } from "./lib/bytes.js";
import type { FuzzBudget, FuzzTarget } from "./lib/target.js";
import { Publisher, Subscriber } from "../src/index.js";
import { RpcClient, RpcServer } from "../src/rpc/index.js";
import * as luaovermq from "../src/rpc/luaovermq/codec.js";
import { encodeCallFrame, newClient, newMultiServer, type LuaRpcServer } from "../src/lua-rpc/index.js";
import { FrameEncoder, encodeCommand, encodeGreeting, encodeReady } from "../src/zmtp/wire/index.js";
import { handleExcess, openHandles, pollUntil } from "../test/faults/resources.js";
import { collector } from "./lib/gc.js";

/** Connections opened at once within a batch. */
const CONCURRENCY = 64;
/** Connections per batch, between two health checks. */
const BATCH = 250;
/** Longest a raw connection stays open waiting for the server. */
const HANG_MS = 150;
/** Heap growth tolerated between the baseline and the end, after GC. */
const HEAP_SLACK = 16 * 1024 * 1024;

type Target = "rpc" | "pub" | "lua";
/** What a raw connection does after writing: destroy, end (FIN), wait for the server, or reset (RST). */
type Ending = "destroy" | "end" | "wait" | "reset";

interface Attack {
  target: Target;
  chunks: Buffer[];
  ending: Ending;
}

/** A ZMTP peer's valid opening: greeting, READY of `type`, then `messages` (or commands). */
function zmtpTraffic(type: string, messages: Buffer[][], commands: Buffer[]): Buffer {
  const enc = new FrameEncoder();
  enc.command(encodeReady([["Socket-Type", type], ["Identity", Buffer.alloc(0)]]));
  for (const c of commands) enc.command(c);
  for (const m of messages) enc.message(m);
  return Buffer.concat([encodeGreeting("NULL", false), ...enc.take()]);
}

const method = fc.constantFrom("add", "echo", "nope", "");
const args = fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)), { maxLength: 3 });

/** Valid traffic for each server, before mutation. */
const validArb: fc.Arbitrary<[Target, Buffer]> = fc.oneof(
  fc.tuple(fc.constantFrom("REQ", "DEALER"), fc.array(fc.tuple(method, args), { maxLength: 3 })).map(([type, calls]) =>
    ["rpc", zmtpTraffic(type, calls.map(([m, a]) => [Buffer.alloc(0), luaovermq.encodeRequest(m, a)]), [])] as [Target, Buffer]),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }).map((topics) =>
    ["pub", zmtpTraffic("SUB", [], topics.map((t) => encodeCommand("SUBSCRIBE", Buffer.from(t))))] as [Target, Buffer]),
  fc.array(fc.tuple(fc.nat(255), method, args), { minLength: 1, maxLength: 3 }).map((calls) =>
    ["lua", Buffer.concat(calls.map(([seq, m, a]) => encodeCallFrame(seq, m, a)))] as [Target, Buffer]),
);

const attackArb: fc.Arbitrary<Attack> = fc.record({
  payload: fc.oneof(
    { weight: 3, arbitrary: fc.tuple(validArb, mutationsArb()).map(([[t, wire], muts]) => [t, mutate(wire, muts)] as [Target, Buffer]) },
    { weight: 1, arbitrary: validArb },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<Target>("rpc", "pub", "lua"), bytesArb(300)) },
    // A partial greeting, then silence: the handshake timer's business.
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<Target>("rpc", "pub"), fc.nat(63)).map(([t, n]) => [t, encodeGreeting("NULL", false).subarray(0, n)] as [Target, Buffer]) },
  ),
  cuts: cutsArb,
  ending: fc.constantFrom<Ending>("destroy", "end", "wait", "reset"),
}).map(({ payload: [target, wire], cuts, ending }) => ({ target, chunks: chunk(wire, cuts), ending }));

/** Plays one attack; resolves once the connection is fully closed. */
function play(port: number, a: Attack): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.on("error", () => undefined);
    s.on("data", () => undefined);
    s.once("close", () => resolve());
    s.once("connect", () => {
      for (const c of a.chunks) s.write(c);
      switch (a.ending) {
        case "destroy":
          s.destroy();
          return;
        case "reset":
          s.resetAndDestroy();
          return;
        case "end":
          s.end();
          setTimeout(() => s.destroy(), HANG_MS).unref();
          return;
        case "wait":
          setTimeout(() => s.destroy(), HANG_MS).unref();
      }
    });
  });
}

/** The servers under attack and their well-behaved clients. */
interface Rig {
  rpc: RpcServer;
  client: RpcClient;
  pub: Publisher;
  sub: Subscriber;
  lua: LuaRpcServer;
  ports: Record<Target, number>;
}

async function startRig(): Promise<Rig> {
  const rpc = new RpcServer();
  rpc.register("add", (a: number, b: number) => a + b);
  rpc.register("echo", (...xs: unknown[]) => xs);
  await rpc.bind("tcp://127.0.0.1:0");
  const rpcEndpoint = rpc.socket.lastEndpoint!;
  const pub = new Publisher({ linger: 0 });
  await pub.bind("tcp://127.0.0.1:0");
  const lua = await newMultiServer("127.0.0.1", 0, () => undefined, { expose: { add: (a: number, b: number) => a + b } });
  const client = new RpcClient(rpcEndpoint, { timeout: 3000 });
  const sub = new Subscriber({ linger: 0, receiveTimeout: 50 });
  sub.subscribe("health");
  sub.connect(pub.lastEndpoint!);
  const port = (ep: string) => Number(ep.slice(ep.lastIndexOf(":") + 1));
  return { rpc, client, pub, sub, lua, ports: { rpc: port(rpcEndpoint), pub: port(pub.lastEndpoint!), lua: lua.port } };
}

/** Checks that each server still serves a well-behaved client; throws otherwise. */
async function healthCheck(rig: Rig, n: number): Promise<void> {
  const sum = await rig.client.call("add", n, 1);
  if (sum !== n + 1) throw new Error(`RpcServer answered ${String(sum)} to add(${n}, 1)`);
  // The subscriber may be reconnecting: publish until a message arrives.
  const deadline = Date.now() + 3000;
  for (;;) {
    await rig.pub.send(["health", String(n)]);
    try {
      const [, body] = await rig.sub.receive();
      if (body!.toString() === String(n)) break;
    } catch {
      /* receive timed out: publish again */
    }
    if (Date.now() > deadline) throw new Error("the Subscriber no longer receives from the Publisher");
  }
  const peer = await newClient("127.0.0.1", rig.ports.lua, { timeout: 3000 });
  try {
    const [r] = await peer.call("add", n, 2);
    if (r !== n + 2) throw new Error(`the Lua RPC server answered ${String(r)} to add(${n}, 2)`);
  } finally {
    await peer.close();
  }
}

async function stopRig(rig: Rig): Promise<void> {
  rig.client.close();
  rig.sub.close();
  rig.pub.close();
  rig.rpc.close();
  await rig.lua.close();
}

/** Runs batches until the connection count or the time budget is spent; true when every check held. */
async function runLive(budget: FuzzBudget): Promise<boolean> {
  const faults: string[] = [];
  const onRejection = (e: unknown): void => void faults.push(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
  const onException = (e: Error): void => void faults.push(`uncaught exception: ${e.stack ?? String(e)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  const gc = collector();
  const started = Date.now();
  const maxConnections = budget.millis > 0 ? Number.MAX_SAFE_INTEGER : Math.max(budget.runs, BATCH);
  const rig = await startRig();
  let connections = 0;
  let batch = 0;
  let ok = true;
  try {
    await healthCheck(rig, 0);
    gc();
    const baseHandles = openHandles();
    const baseHeap = process.memoryUsage().heapUsed;
    while (connections < maxConnections && (budget.millis === 0 || Date.now() - started < budget.millis)) {
      const attacks = fc.sample(attackArb, { seed: budget.seed + batch, numRuns: Math.min(BATCH, maxConnections - connections) });
      for (let i = 0; i < attacks.length; i += CONCURRENCY) {
        await Promise.all(attacks.slice(i, i + CONCURRENCY).map((a) => play(rig.ports[a.target], a)));
      }
      connections += attacks.length;
      batch++;
      await healthCheck(rig, batch);
      if (!(await pollUntil(5000, () => handleExcess(openHandles(), baseHandles).length === 0))) {
        faults.push(`batch ${batch} (seed ${budget.seed + batch - 1}): handles did not return to baseline: ${handleExcess(openHandles(), baseHandles).join(", ")}`);
      }
      if (faults.length > 0) break;
    }
    gc();
    const growth = process.memoryUsage().heapUsed - baseHeap;
    if (growth > HEAP_SLACK) faults.push(`heap grew by ${(growth / 1048576).toFixed(1)} MiB over ${connections} connections`);
    console.log(`     live: ${connections} connections in ${batch} batches, ${Date.now() - started} ms, heap ${growth >= 0 ? "+" : ""}${(growth / 1048576).toFixed(1)} MiB, handles back to baseline`);
  } catch (e) {
    faults.push(`health check after batch ${batch} (attacks of seed ${budget.seed + batch - 1}): ${(e as Error)?.stack ?? String(e)}`);
  } finally {
    await stopRig(rig);
    process.off("unhandledRejection", onRejection);
    process.off("uncaughtException", onException);
  }
  for (const f of faults) {
    ok = false;
    console.error(`FAIL live: ${f}`);
  }
  if (!ok) console.error(`  reproduce: npm run fuzz -- --only live --seed ${budget.seed} --runs ${connections}`);
  else console.log(`ok   live: servers survived ${connections} hostile connections`);
  return ok;
}

/** The live-server target. */
export const liveTarget: FuzzTarget = { name: "live", properties: [], run: runLive };
