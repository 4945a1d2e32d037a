/**
 * Shared pieces of the RPC tests: servers on free ports, raw request sockets
 * for wire-level checks, and a deadline so a broken peer fails a test
 * instead of hanging it.
 */
import { randomBytes } from "node:crypto";
import { Request } from "../../src/index.js";
import * as lua from "../../src/rpc/luaovermq/codec.js";
import { RpcServer, type RpcServerOptions } from "../../src/rpc/index.js";

/** A unique inproc endpoint. */
export function inprocEndpoint(): string {
  return `inproc://rpc-test-${randomBytes(6).toString("hex")}`;
}

/** Rejects when `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms`; only for handlers that must be slow, never to wait for an event. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The example calculator of the README. */
export class Calculator {
  add(a: number, b: number): number {
    return a + b;
  }
  async mul(a: number, b: number): Promise<number> {
    return a * b;
  }
}

/** An RpcServer bound to a free TCP port with the README methods plus test helpers. */
export async function startServer(options: RpcServerOptions = {}, address = "tcp://127.0.0.1:0"): Promise<RpcServer> {
  const server = new RpcServer(options);
  server.register("add", (a: number, b: number) => a + b, { doc: "Adds two numbers." });
  server.register("my.namespace.mult", (a: number, b: number) => a * b);
  server.register("calc", new Calculator());
  server.register("echo", (...args: unknown[]) => (args.length === 1 ? args[0] : args));
  server.register("sleep", async (ms: number) => {
    await delay(ms);
    return ms;
  });
  server.register("fail", (message: string) => {
    throw new RangeError(message);
  });
  server.register("reject", async () => {
    throw new TypeError("rejected on purpose");
  });
  server.register("unencodable", () => () => 1);
  await server.bind(address);
  return server;
}

/** One raw LuaOverMQ round trip over a purezmq REQ socket: the reply's two frames decoded. */
export async function rawCall(endpoint: string, request: Buffer | Buffer[]): Promise<lua.LuaReply> {
  const req = new Request({ linger: 0, receiveTimeout: 5000 });
  try {
    req.connect(endpoint);
    await req.send(request);
    return lua.decodeReply(await req.receive());
  } finally {
    req.close();
  }
}
