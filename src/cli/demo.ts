/**
 * `purezmq demo`: the LuaOverMQ example in purezmq, on loopback: an RPC
 * server (REP-compatible, LuaOverMQ protocol), a PUB socket publishing a
 * tick every second, and a Lua RPC peer, so that every client command of
 * the README has something to talk to.
 */
import { Publisher } from "../index.js";
import { newMultiServer, type LuaRpcServer } from "../lua-rpc/index.js";
import { RpcServer, luaovermq } from "../rpc/index.js";
import { msOption, noMoreArgs, textOption, type CommandSpec } from "./args.js";
import { explainBindError } from "./errors.js";
import { parseHostPort } from "./reach.js";
import { aborted } from "./stop.js";

/** The functions the demo serves, over RPC and Lua RPC. */
export const demoApi = {
  add: (a: number, b: number): number => a + b,
  echo: (...args: unknown[]): unknown => (args.length === 1 ? args[0] : args),
  time: (): string => new Date().toISOString(),
  sleep: async (ms: number): Promise<number> => {
    await new Promise((r) => setTimeout(r, Math.min(Math.max(0, ms), 10000)));
    return ms;
  },
};

/** Default endpoints of the demo. */
export const DEMO_DEFAULTS = { rpc: "tcp://127.0.0.1:8004", pub: "tcp://127.0.0.1:8005", lua: "127.0.0.1:1999" } as const;

/** Starts the demo; it runs until Ctrl-C or SIGTERM, then closes its sockets. */
export const demoSpec: CommandSpec = {
  name: "demo",
  args: "",
  summary: "run an RPC server, a PUB feed and a Lua RPC peer to try the other commands on",
  about: [
    "Binds, on loopback: an RPC server (LuaOverMQ protocol) serving add, echo, time,",
    "sleep and my.namespace.mult; a PUB socket publishing \"tick\" every --interval;",
    "a Lua RPC peer exposing math.max, math.min and the same functions.",
    "Runs until Ctrl-C.",
  ],
  options: {
    rpc: { type: "string", value: "endpoint", help: `RPC endpoint to bind (default ${DEMO_DEFAULTS.rpc})` },
    pub: { type: "string", value: "endpoint", help: `PUB endpoint to bind (default ${DEMO_DEFAULTS.pub})` },
    lua: { type: "string", value: "host:port", help: `Lua RPC address to listen on (default ${DEMO_DEFAULTS.lua})` },
    interval: { type: "string", value: "ms", help: "time between ticks (default 1000)" },
  },
  async run(ctx) {
    noMoreArgs(ctx, 0);
    const interval = msOption(ctx, "interval", 1000);
    const luaAt = parseHostPort(textOption(ctx, "lua", DEMO_DEFAULTS.lua), "127.0.0.1");
    const server = new RpcServer();
    for (const [name, fn] of Object.entries(demoApi)) server.register(name, fn);
    server.register("my.namespace.mult", (a: number, b: number) => a * b, { doc: "a * b" });
    const pub = new Publisher();
    let lua: LuaRpcServer | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await server.bind(textOption(ctx, "rpc", DEMO_DEFAULTS.rpc)).catch((err: unknown) => {
        throw explainBindError(err, "--rpc");
      });
      await pub.bind(textOption(ctx, "pub", DEMO_DEFAULTS.pub)).catch((err: unknown) => {
        throw explainBindError(err, "--pub");
      });
      lua = await newMultiServer(luaAt.host, luaAt.port, () => undefined, {
        expose: { math: { max: Math.max, min: Math.min }, ...demoApi },
      }).catch((err: unknown) => {
        throw explainBindError(err, "--lua", `${luaAt.host}:${luaAt.port}`);
      });
      const rpc = server.endpoint!;
      const feed = pub.lastEndpoint!;
      const luaPeer = `${luaAt.host}:${lua.port}`;
      ctx.out(`RPC server (LuaOverMQ protocol) on ${rpc}: ${server.methods().map((m) => m.name).join(", ")}`);
      ctx.out(`PUB on ${feed}: topic "tick" every ${interval} ms, msgpack {n, time}`);
      ctx.out(`Lua RPC peer on ${luaPeer}: math.max, math.min, ${Object.keys(demoApi).join(", ")}`);
      ctx.out("");
      ctx.out("Try it, in another terminal:");
      ctx.out(`  npx purezmq call ${rpc} add 2 3`);
      ctx.out(`  npx purezmq call ${rpc} my.namespace.mult 5 7`);
      ctx.out(`  npx purezmq sub ${feed} tick`);
      ctx.out(`  npx purezmq lua call ${luaPeer} math.max 1 2.5`);
      ctx.out("Ctrl-C stops the demo.");
      let n = 0;
      timer = setInterval(() => {
        n++;
        void pub.send(luaovermq.encodePublish("tick", { n, time: new Date().toISOString() }));
      }, interval);
      await aborted(ctx.signal);
    } finally {
      clearInterval(timer);
      server.close();
      pub.close();
      await lua?.close();
    }
  },
};
