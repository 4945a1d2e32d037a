/**
 * The RPC workload of case 5 in three variants that speak the same
 * LuaOverMQ protocol (request: one msgpack frame `[method, ...args]`;
 * reply: `OK`/`ERROR` + msgpack):
 * - "rpc": purezmq's RpcServer / RpcClient (src/rpc/index.ts), once exported;
 * - "codec": purezmq sockets + the luaovermq codec, driven by hand;
 * - "native": the native zeromq package + @msgpack/msgpack, the way an
 *   application on zeromq.js would serve and call it.
 * Sequential calls go REQ -> REP; pipelined calls go DEALER -> ROUTER (one
 * server, so replies come back in request order).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode, encode } from "@msgpack/msgpack";
import { bindLoopback, makeSocket, type BenchSocket, type Lib } from "./sockets.js";

export type RpcVariant = "rpc" | "codec" | "native";

/** The method every variant serves. */
export const add = (a: number, b: number): number => a + b;

/** A running server. */
export interface RpcServerHandle {
  endpoint: string;
  close(): void;
}

/** A connected client; `call` may be used concurrently in pipelined mode. */
export interface RpcClientHandle {
  call(a: number, b: number): Promise<number>;
  close(): void;
}

const RPC_INDEX = new URL("../../src/rpc/index.js", import.meta.url);

type Loose = Record<string, unknown>;

/** purezmq's RPC module when it exports RpcServer and RpcClient; otherwise undefined. */
export async function loadRpcModule(): Promise<Loose | undefined> {
  if (!existsSync(fileURLToPath(RPC_INDEX))) return undefined;
  const m = (await import(RPC_INDEX.href)) as Loose;
  return typeof m.RpcServer === "function" && typeof m.RpcClient === "function" ? m : undefined;
}

const OK = Buffer.from("OK");

/** Starts a server variant bound to a free loopback port. */
export async function rpcServerVariant(variant: RpcVariant, mode: "rep" | "router"): Promise<RpcServerHandle> {
  if (variant === "rpc") {
    const m = await loadRpcModule();
    if (!m) throw new Error("RpcServer/RpcClient not built yet");
    const Server = m.RpcServer as new () => Loose;
    const server = new Server();
    if (typeof server.register !== "function" || typeof server.bind !== "function") {
      throw new Error(`RpcServer API not recognised (expected register() and bind())`);
    }
    (server.register as (n: string, f: unknown) => void).call(server, "add", add);
    await (server.bind as (a: string) => Promise<void>).call(server, "tcp://127.0.0.1:*");
    const endpoint = server.endpoint;
    if (typeof endpoint !== "string") throw new Error("RpcServer did not report its endpoint");
    return { endpoint, close: () => (server.close as () => void).call(server) };
  }
  const lib: Lib = variant === "native" ? "native" : "purezmq";
  const codec = variant === "codec" ? (await import("../../src/rpc/codec/index.js")).luaovermq : undefined;
  const sock = await makeSocket(lib, mode === "rep" ? "Reply" : "Router");
  const endpoint = await bindLoopback(sock);
  // The dispatch an application would write: decode, look up, call, encode.
  const handlers: Record<string, (...args: never[]) => unknown> = { add };
  const answer = (frame: Buffer): Buffer[] => {
    let method: string;
    let args: unknown[];
    if (codec) {
      ({ method, args } = codec.decodeRequest(frame));
    } else {
      const req = decode(frame) as unknown[];
      method = req[0] as string;
      args = req.slice(1);
    }
    const fn = handlers[method];
    if (codec) {
      return fn ? codec.encodeReply((fn as (...a: unknown[]) => unknown)(...args)) : codec.encodeErrorReply(`function '${method}' not found`);
    }
    if (!fn) return [Buffer.from("ERROR"), Buffer.from(encode(`function '${method}' not found`))];
    const payload = encode((fn as (...a: unknown[]) => unknown)(...args));
    return [OK, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
  };
  void (async () => {
    try {
      for (;;) {
        const msg = await sock.receive();
        if (mode === "rep") {
          await sock.send(answer(msg[0]!));
        } else {
          // [routing id, delimiter, request]
          await sock.send([msg[0]!, msg[1]!, ...answer(msg[2]!)]);
        }
      }
    } catch {
      /* closed */
    }
  })();
  return { endpoint, close: () => sock.close() };
}

/** Connects a client variant; "seq" uses REQ, "pipelined" a DEALER. */
export async function rpcClientVariant(variant: RpcVariant, mode: "seq" | "pipelined", endpoint: string): Promise<RpcClientHandle> {
  if (variant === "rpc") {
    const m = await loadRpcModule();
    if (!m) throw new Error("RpcServer/RpcClient not built yet");
    const Client = m.RpcClient as new (endpoints: string) => Loose;
    const client = new Client(endpoint);
    if (typeof client.call !== "function") throw new Error("RpcClient API not recognised (expected call())");
    const call = client.call as (method: string, ...args: unknown[]) => Promise<unknown>;
    const handle: RpcClientHandle = {
      call: async (a, b) => (await call.call(client, "add", a, b)) as number,
      close: () => (client.close as () => void).call(client),
    };
    if ((await handle.call(2, 3)) !== 5) throw new Error("RpcClient.call('add', 2, 3) did not return 5");
    return handle;
  }
  const lib: Lib = variant === "native" ? "native" : "purezmq";
  const codec = variant === "codec" ? (await import("../../src/rpc/codec/index.js")).luaovermq : undefined;
  const encodeReq = (a: number, b: number): Buffer => {
    if (codec) return codec.encodeRequest("add", [a, b]);
    const u = encode(["add", a, b]);
    return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  };
  const decodeRep = (frames: Buffer[]): number => {
    if (codec) {
      const r = codec.decodeReply(frames);
      if (!r.ok) throw new Error(r.message);
      return r.value as number;
    }
    if (frames.length !== 2 || !frames[0]!.equals(OK)) throw new Error(`bad reply ${String(frames[0])}`);
    return decode(frames[1]!) as number;
  };
  if (mode === "seq") {
    const req = await makeSocket(lib, "Request");
    req.connect(endpoint);
    return {
      call: async (a, b) => {
        await req.send(encodeReq(a, b));
        return decodeRep(await req.receive());
      },
      close: () => req.close(),
    };
  }
  const dealer: BenchSocket = await makeSocket(lib, "Dealer");
  dealer.connect(endpoint);
  const EMPTY = Buffer.alloc(0);
  // Replies come back in request order from the single server.
  const pending: Array<{ resolve: (v: number) => void; reject: (e: Error) => void }> = [];
  let head = 0;
  void (async () => {
    try {
      for (;;) {
        const msg = await dealer.receive();
        const p = pending[head];
        pending[head++] = undefined as never;
        if (head > 4096 && head * 2 > pending.length) {
          pending.splice(0, head);
          head = 0;
        }
        if (!p) continue;
        try {
          p.resolve(decodeRep(msg.slice(1)));
        } catch (err) {
          p.reject(err as Error);
        }
      }
    } catch (err) {
      for (let i = head; i < pending.length; i++) pending[i]?.reject(err as Error);
    }
  })();
  // One send at a time (zeromq.js refuses overlapping sends): calls queue
  // their request and a single writer loop drains the queue.
  const outbox: Buffer[][] = [];
  let writing = false;
  const writer = async (): Promise<void> => {
    writing = true;
    try {
      let msg: Buffer[] | undefined;
      while ((msg = outbox.shift()) !== undefined) await dealer.send(msg);
    } catch (err) {
      for (let i = head; i < pending.length; i++) pending[i]?.reject(err as Error);
    } finally {
      writing = false;
    }
  };
  return {
    call: (a, b) =>
      new Promise<number>((resolve, reject) => {
        pending.push({ resolve, reject });
        outbox.push([EMPTY, encodeReq(a, b)]);
        if (!writing) void writer();
      }),
    close: () => dealer.close(),
  };
}
