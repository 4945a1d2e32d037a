/**
 * Cases 5 and 6: RPC calls per second, the server in a worker process.
 * Case 5 serves `add(a, b)` over LuaOverMQ: purezmq's RpcServer/RpcClient
 * (or, until those are exported, purezmq sockets + the luaovermq codec)
 * against the native zeromq package + @msgpack/msgpack. Case 6 is the Lua
 * RPC peer (purezmq only: there is no native equivalent). Case
 * `rpc-one-process` puts case 5's client and server in one process, beside
 * a REQ/REP echo of the same library: what a call costs over a bare round
 * trip, without the wake-ups of two processes.
 */
import { Worker } from "../lib/child.js";
import { loadRpcModule, rpcClientVariant, rpcServerVariant, type RpcVariant } from "../lib/rpc.js";
import { bindLoopback, makeSocket, type Lib } from "../lib/sockets.js";
import type { BenchCase, Metrics } from "../lib/case.js";

/** Runs `inflight` lanes of sequential calls for `seconds`; each lane keeps one call outstanding. */
export async function lanes(call: (i: number) => Promise<unknown>, inflight: number, seconds: number): Promise<Metrics> {
  // Warm-up: a few hundred calls through the same lanes.
  await Promise.all(Array.from({ length: inflight }, async (_, l) => {
    for (let i = 0; i < Math.max(2, Math.ceil(500 / inflight)); i++) await call(l);
  }));
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let count = 0;
  await Promise.all(Array.from({ length: inflight }, async (_, l) => {
    while (process.hrtime.bigint() < deadline) {
      await call(l + count);
      count++;
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { rate: count / elapsed, calls: count, meanUs: (elapsed / count) * inflight * 1e6 };
}

async function rpcRound(variant: RpcVariant, inflight: number, seconds: number): Promise<Metrics> {
  const { worker, ready } = await Worker.start("rpc-server", { variant, mode: inflight > 1 ? "router" : "rep" });
  let client: Awaited<ReturnType<typeof rpcClientVariant>> | undefined;
  try {
    client = await rpcClientVariant(variant, inflight > 1 ? "pipelined" : "seq", ready.endpoint as string);
    const c = client;
    return await lanes(async (i) => {
      if ((await c.call(i, 1)) !== i + 1) throw new Error("wrong sum");
    }, inflight, seconds);
  } finally {
    client?.close();
    await worker.stop();
  }
}

async function luaRound(inflight: number, seconds: number): Promise<Metrics> {
  const { newClient } = await import("../../src/lua-rpc/index.js");
  const { worker, ready } = await Worker.start("lua-server", {});
  const peer = await newClient("127.0.0.1", ready.port as number);
  try {
    return await lanes(async (i) => {
      const [sum] = await peer.call("add", i, 1);
      if (sum !== i + 1) throw new Error("wrong sum");
    }, inflight, seconds);
  } finally {
    await peer.close();
    await worker.stop();
  }
}

/** A REQ/REP echo of 32 octets, both ends in this process: round trips per second. */
async function echoHere(lib: Lib, seconds: number): Promise<number> {
  const rep = await makeSocket(lib, "Reply");
  const req = await makeSocket(lib, "Request");
  try {
    req.connect(await bindLoopback(rep));
    // Ends with an error when the socket closes.
    void (async () => {
      for (;;) await rep.send(await rep.receive());
    })().catch(() => undefined);
    const body = Buffer.alloc(32);
    const m = await lanes(async () => {
      await req.send(body);
      await req.receive();
    }, 1, seconds);
    return m.rate!;
  } finally {
    req.close();
    rep.close();
  }
}

/** Sequential calls and a REQ/REP echo, each with both ends in this process, one after the other. */
async function oneProcessRound(variant: RpcVariant, seconds: number): Promise<Metrics> {
  const server = await rpcServerVariant(variant, "rep");
  let calls: Metrics;
  try {
    const client = await rpcClientVariant(variant, "seq", server.endpoint);
    try {
      calls = await lanes(async (i) => {
        if ((await client.call(i, 1)) !== i + 1) throw new Error("wrong sum");
      }, 1, seconds);
    } finally {
      client.close();
    }
  } finally {
    server.close();
  }
  const echo = await echoHere(variant === "native" ? "native" : "purezmq", seconds);
  return { rate: calls.rate!, echo, share: (100 * calls.rate!) / echo };
}

export async function rpcCases(seconds: number, standIn = false): Promise<BenchCase[]> {
  const haveRpc = !standIn && (await loadRpcModule()) !== undefined;
  const ours: RpcVariant = haveRpc ? "rpc" : "codec";
  const ourLabel = haveRpc ? "purezmq RpcServer/RpcClient" : `purezmq sockets + luaovermq codec${standIn ? "" : " (RpcServer/RpcClient not built yet)"}`;
  const stand = haveRpc ? "" : " [sockets+codec]";
  return [
    {
      id: "rpc-seq",
      title: `RPC sequential calls, LuaOverMQ${stand}`,
      metric: "rate",
      unit: "calls/s",
      higherIsBetter: true,
      variants: [
        { side: "purezmq", label: haveRpc ? `${ourLabel}, default options, one call at a time` : `${ourLabel}, REQ client -> REP server`, round: () => rpcRound(ours, 1, seconds) },
        { side: "native", label: "zeromq Request -> Reply + @msgpack/msgpack", round: () => rpcRound("native", 1, seconds) },
      ],
      extras: [{ key: "meanUs", label: "mean call latency (us)", digits: 1 }],
      target: { ratio: 3 },
      latencyBound: true,
      note: `add(a, b) served in a worker process; ${seconds} s per round`,
    },
    {
      id: "rpc-one-process",
      title: `RPC sequential, both ends in one process${stand}`,
      metric: "rate",
      unit: "calls/s",
      higherIsBetter: true,
      variants: [
        { side: "purezmq", label: `${ourLabel}, one call at a time; then a REQ/REP echo, both in this process`, round: () => oneProcessRound(ours, seconds) },
        { side: "native", label: "zeromq Request -> Reply + @msgpack/msgpack; then a zeromq REQ/REP echo, both in this process", round: () => oneProcessRound("native", seconds) },
      ],
      extras: [
        { key: "echo", label: "REQ/REP echo, 32 B, round trips/s", digits: 0 },
        { key: "share", label: "calls as % of the echo's round trips", digits: 0 },
      ],
      latencyBound: true,
      note: `add(a, b) over loopback tcp with both ends in the benchmark's process (no wake-up of another process in a call), then a REQ/REP echo the same way; ${seconds} s each per round`,
    },
    {
      id: "rpc-100",
      title: `RPC, 100 calls in flight, LuaOverMQ${stand}`,
      metric: "rate",
      unit: "calls/s",
      higherIsBetter: true,
      variants: [
        { side: "purezmq", label: haveRpc ? `${ourLabel}, default options, 100 concurrent call()s` : `${ourLabel}, DEALER client -> ROUTER server`, round: () => rpcRound(ours, 100, seconds) },
        { side: "native", label: "zeromq Dealer -> Router + @msgpack/msgpack", round: () => rpcRound("native", 100, seconds) },
      ],
      extras: [{ key: "meanUs", label: "mean call latency (us)", digits: 1 }],
      target: { absolute: 100_000 },
      note: `add(a, b) served in a worker process; ${seconds} s per round`,
    },
  ];
}

export function luaCases(seconds: number): BenchCase[] {
  const mk = (inflight: number): BenchCase => ({
    id: inflight === 1 ? "lua-seq" : `lua-${inflight}`,
    title: inflight === 1 ? "Lua RPC sequential calls, 2 peers" : `Lua RPC, ${inflight} calls in flight, 2 peers`,
    metric: "rate",
    unit: "calls/s",
    higherIsBetter: true,
    noNative: true,
    latencyBound: inflight === 1,
    variants: [{ side: "purezmq", label: `purezmq lua-rpc peer.call("add", ...)`, round: () => luaRound(inflight, seconds) }],
    extras: [{ key: "meanUs", label: "mean call latency (us)", digits: 1 }],
    note: `peer served by newMultiServer in a worker process; no native equivalent; ${seconds} s per round`,
  });
  return [mk(1), mk(200)];
}
