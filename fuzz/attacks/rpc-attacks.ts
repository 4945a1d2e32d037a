/**
 * Attacks on the RPC servers by one hostile peer, each with a good client
 * beside it (see `rpc-measure.ts` for how they are measured). Only default
 * server options are used, so the same code measures any version.
 *
 * - `bomb`: pyzmqrpc3 requests of tens of kilobytes that inflate to tens of
 *   megabytes.
 * - `multicall-length`: one `rpc.multicall` of a hundred thousand cheap calls.
 * - `multicall-reply`: a thousand calls whose results are 64 KiB each.
 * - `queue-flood`: hundreds of 1 MiB requests to a slow method, then the
 *   attacker disconnects.
 * - `deep-nesting`: a megabyte of nesting, in msgpack and in JSON.
 */
import { Buffer } from "node:buffer";
import { once } from "node:events";
import { createDeflate } from "node:zlib";
import { Dealer } from "../../src/index.js";
import { CommandClient, CommandServer, RpcClient, RpcServer, defineCommand, luaovermq, pyzmqrpc } from "../../src/rpc/index.js";
import type { Attack, AttackResult, Scale } from "./rpc-measure.js";

const MiB = 1024 * 1024;
const Echo = defineCommand("Echo", { text: "" });

/** A DEALER speaking to a ROUTER-based server with the REQ-style empty delimiter. */
async function attacker(endpoint: string): Promise<Dealer> {
  const d = new Dealer({ linger: 0 });
  d.connect(endpoint);
  return d;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T | undefined; ms: number; ok: boolean }> {
  const t0 = performance.now();
  try {
    const value = await work;
    return { value, ms: performance.now() - t0, ok: true };
  } catch {
    return { value: undefined, ms: performance.now() - t0, ok: false };
  }
}

/**
 * A command whose JSON is `size` octets of text, deflated a mebibyte at a
 * time from one reused chunk: the attacker's side costs next to nothing, as
 * it would for a real attacker who keeps the few kilobytes it sends.
 */
async function bombFrame(size: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (d: Buffer) => out.push(d));
  const ended = once(deflate, "end");
  const chunk = Buffer.alloc(MiB, 0x61);
  deflate.write('{"_icmd_": ["Echo", {"text": "');
  for (let n = 0; n < size; n += MiB) if (!deflate.write(chunk)) await once(deflate, "drain");
  deflate.end('"}]}');
  await ended;
  return Buffer.from(Buffer.concat(out).toString("base64"));
}

const bomb: Attack = async (scale) => {
  const count = scale === "full" ? 20 : 5;
  const inflated = (scale === "full" ? 64 : 16) * MiB;
  const server = new CommandServer();
  server.registerService(Echo, (c) => c.text);
  await server.bind("tcp://127.0.0.1:0");
  const frame = await bombFrame(inflated);
  const good = new CommandClient(server.endpoint!, { timeout: 20_000 });
  const evil = await attacker(server.endpoint!);
  try {
    for (let i = 0; i < count; i++) await evil.send(["", frame]);
    const goodCall = timed(good.execute(new Echo({ text: "hi" })));
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await evil.receive();
      statuses.push(pyzmqrpc.decodeResponse(reply[1]!).statusCode);
    }
    const g = await goodCall;
    return {
      goodClientServed: g.ok && g.value === "hi",
      goodClientMs: g.ms,
      bounded: statuses.every((s) => s === 400),
      note: `${count} requests of ${frame.length} octets inflating to ${inflated / MiB} MiB each: statuses ${[...new Set(statuses)].join(",")}`,
      // 4 MiB default bound, four inflating at once on the thread pool, twice for copies, plus slack.
      ceilingMB: 64 + 4 * 4 * 2,
    };
  } finally {
    evil.close();
    good.close();
    server.close();
  }
};

/** A server with the methods the batch attacks call, and a good client. */
async function batchTarget(): Promise<{ server: RpcServer; good: RpcClient }> {
  const server = new RpcServer();
  server.register("add", (a: number, b: number) => a + b);
  const kib = "k".repeat(1024);
  server.register("kib", () => kib);
  const blob = "b".repeat(64 * 1024);
  server.register("blob", () => blob);
  await server.bind("tcp://127.0.0.1:0");
  return { server, good: new RpcClient(server.endpoint!, { timeout: 20_000 }) };
}

async function multicall(calls: unknown[], check: (payload: Buffer, status: string) => boolean, note: string, ceilingMB: number): Promise<AttackResult> {
  const { server, good } = await batchTarget();
  const evil = await attacker(server.endpoint!);
  try {
    const request = luaovermq.encodeRequest("rpc.multicall", [calls]);
    await evil.send(["", request]);
    const goodCall = timed(good.call("add", 2, 3));
    const reply = await evil.receive();
    const g = await goodCall;
    const status = reply[1]!.toString();
    const payload = reply[2]!;
    return {
      goodClientServed: g.ok && g.value === 5,
      goodClientMs: g.ms,
      bounded: check(payload, status),
      note: `${calls.length} calls in ${request.length} octets: reply ${status}, ${payload.length} octets; ${note}`,
      ceilingMB,
    };
  } finally {
    evil.close();
    good.close();
    server.close();
  }
}

const multicallLength: Attack = (scale) => {
  const n = scale === "full" ? 150_000 : 20_000;
  // The refusal is small; what remains is the decoded request itself (tens of octets of heap per call).
  return multicall(Array.from({ length: n }, () => ["kib", []]), (payload) => payload.length < 64 * 1024, "bound: a small refusal", 64 + Math.ceil((n * 256) / MiB));
};

const multicallReply: Attack = (scale) => {
  const n = scale === "full" ? 1000 : 400;
  // 16 MiB default reply bound: the reply must stay under it plus the error entries of what was not run.
  return multicall(Array.from({ length: n }, () => ["blob", []]), (payload) => payload.length <= 16 * MiB + 200 * n, "bound: 16 MiB of results", 64 + 16 * 4);
};

const queueFlood: Attack = async (scale) => {
  const count = scale === "full" ? 500 : 150;
  const size = (scale === "full" ? 1 : 0.5) * MiB;
  const server = new RpcServer();
  let disconnected = false;
  let ranAfterGone = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  server.register("slow", async () => {
    if (disconnected) ranAfterGone++;
    await gate;
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  server.register("add", (a: number, b: number) => a + b);
  await server.bind("tcp://127.0.0.1:0");
  const good = new RpcClient(server.endpoint!, { timeout: 60_000 });
  const evil = await attacker(server.endpoint!);
  let busy = 0;
  const draining = (async () => {
    try {
      for (;;) {
        const reply = await evil.receive();
        if (reply[1]!.toString() === "ERROR") busy++;
      }
    } catch {
      /* closed */
    }
  })();
  try {
    const request = luaovermq.encodeRequest("slow", ["p".repeat(size)]);
    for (let i = 0; i < count; i++) await evil.send(["", request]);
    // Let the server take in what it will (running + queued + refused).
    for (let i = 0; i < 200 && server.running + server.queued + busy < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const queuedAtPeak = server.queued;
    // The attacker leaves while its work waits; the server must notice before a slot frees.
    const gone = new Promise<void>((resolve) => server.socket.events.on("disconnect", () => resolve()));
    evil.close();
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await new Promise((resolve) => setImmediate(resolve));
    disconnected = true;
    const goodCall = timed(good.call("add", 2, 3));
    release();
    const g = await goodCall;
    for (let i = 0; i < 500 && (server.running > 0 || server.queued > 0); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return {
      goodClientServed: g.ok && g.value === 5,
      goodClientMs: g.ms,
      bounded: ranAfterGone === 0 && server.queued === 0,
      note: `${count} requests of ${size / MiB} MiB: ${busy} refused busy, ${queuedAtPeak} queued at peak, ${ranAfterGone} ran after the client left`,
      // 64 running (frame, decoded argument, copies in transit), 8 MiB queued per client, plus slack.
      ceilingMB: 64 + Math.ceil((64 * size) / MiB) * 3 + 8 * 2,
    };
  } finally {
    evil.close();
    await draining;
    good.close();
    server.close();
  }
};

const deepNesting: Attack = async (scale) => {
  const depth = scale === "full" ? 1_000_000 : 200_000;
  const server = new RpcServer();
  server.register("add", (a: number, b: number) => a + b);
  await server.bind("tcp://127.0.0.1:0");
  const manley = new RpcServer({ protocol: "manley" });
  manley.register("add", (a: number, b: number) => a + b);
  await manley.bind("tcp://127.0.0.1:0");
  const good = new RpcClient(server.endpoint!, { timeout: 20_000 });
  const evil = await attacker(server.endpoint!);
  const evilJson = await attacker(manley.endpoint!);
  try {
    const msgpack = Buffer.alloc(depth, 0x91);
    msgpack[0] = 0x92;
    msgpack[depth - 1] = 0xc0;
    const json = `[["add", ${"[".repeat(depth)}${"]".repeat(depth)}, {}]]`;
    await evil.send(["", msgpack]);
    await evilJson.send(["", json]);
    const goodCall = timed(good.call("add", 2, 3));
    const r1 = await evil.receive();
    const r2 = await evilJson.receive();
    const g = await goodCall;
    const text = r2[1]!.toString();
    return {
      goodClientServed: g.ok && g.value === 5,
      goodClientMs: g.ms,
      bounded: r1[1]!.toString() === "ERROR" && /"success":false/.test(text),
      note: `${depth} levels: msgpack reply ${r1[1]!.toString()} "${luaovermq.decodeValue(r1[2]!) as string}"; JSON reply ${text.slice(0, 120)}`,
      ceilingMB: 64,
    };
  } finally {
    evil.close();
    evilJson.close();
    good.close();
    server.close();
    manley.close();
  }
};

/** The RPC attacks by name. */
export const RPC_ATTACKS: Readonly<Record<string, Attack>> = {
  bomb,
  "multicall-length": multicallLength,
  "multicall-reply": multicallReply,
  "queue-flood": queueFlood,
  "deep-nesting": deepNesting,
};

/** The scales, for argument checking. */
export const SCALES: readonly Scale[] = ["small", "full"];
