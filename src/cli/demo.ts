/**
 * `purezmq demo`: the LuaOverMQ example in purezmq. An RPC server (REP-
 * compatible, LuaOverMQ protocol) and a PUB socket publishing a tick every
 * second, on loopback.
 */
import { Publisher } from "../index.js";
import { RpcServer, luaovermq } from "../rpc/index.js";
import { msFlag, parseArgs, UsageError } from "./args.js";

/** Usage line of `purezmq demo`. */
export const DEMO_USAGE = "purezmq demo [--rpc endpoint] [--pub endpoint] [--interval ms]";

/** The functions the demo serves. */
export const demoApi = {
  add: (a: number, b: number): number => a + b,
  echo: (...args: unknown[]): unknown => (args.length === 1 ? args[0] : args),
  time: (): string => new Date().toISOString(),
  sleep: async (ms: number): Promise<number> => {
    await new Promise((r) => setTimeout(r, Math.min(Math.max(0, ms), 10000)));
    return ms;
  },
};

/** Starts the demo; it runs until SIGINT or SIGTERM, or until `close()`. */
export async function demoCommand(argv: string[], out: (line: string) => void): Promise<{ close(): void }> {
  const args = parseArgs(argv, ["rpc", "pub", "interval"], []);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const rpcAt = (args.flags.get("rpc") as string | undefined) ?? "tcp://127.0.0.1:8004";
  const pubAt = (args.flags.get("pub") as string | undefined) ?? "tcp://127.0.0.1:8005";
  const interval = msFlag(args, "interval", 1000);

  const server = new RpcServer();
  for (const [name, fn] of Object.entries(demoApi)) server.register(name, fn);
  server.register("my.namespace.mult", (a: number, b: number) => a * b, { doc: "a * b" });
  const pub = new Publisher();
  try {
    await server.bind(rpcAt);
    await pub.bind(pubAt);
  } catch (err) {
    server.close();
    pub.close();
    throw err;
  }
  const rpc = server.endpoint!;
  const feed = pub.lastEndpoint!;
  out(`RPC server (LuaOverMQ protocol) on ${rpc}: ${server.methods().map((m) => m.name).join(", ")}`);
  out(`PUB on ${feed}: topic "tick" every ${interval} ms, msgpack {n, time}`);
  out("");
  out("Try it:");
  out(`  npx purezmq call ${rpc} add 2 3`);
  out(`  npx purezmq call ${rpc} my.namespace.mult 5 7`);
  out(`  npx purezmq sub ${feed} tick`);
  out("From Python, with the LuaOverMQ connector (pyzmq + msgpack):");
  out(`  RPCClient("${rpc}").call("add", 2, 3)`);

  let n = 0;
  const timer = setInterval(() => {
    n++;
    void pub.send(luaovermq.encodePublish("tick", { n, time: new Date().toISOString() }));
  }, interval);
  const close = (): void => {
    clearInterval(timer);
    server.close();
    pub.close();
  };
  process.once("SIGINT", close);
  process.once("SIGTERM", close);
  return { close };
}
