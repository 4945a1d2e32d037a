/** `purezmq lua call <host:port> <name> [args...]`: one Lua RPC call. */
import { LuaRpcTimeoutError, newClient, type LuaRpcPeer } from "../lua-rpc/index.js";
import { JSON_OPTION, jsonArg, msOption, UsageError, valueLimits, type CommandSpec } from "./args.js";
import { CliError, unreachable } from "./errors.js";
import { toJson } from "./json-print.js";
import { parseHostPort } from "./reach.js";
import { untilAborted } from "./stop.js";

/** Default of `--timeout`, in milliseconds. */
const DEFAULT_TIMEOUT = 5000;

/**
 * Connects within `ms`, or fails with a line that tells "nothing listens"
 * from "no connection in time" (a listener that never accepts).
 */
async function connectWithin(host: string, port: number, where: string, ms: number): Promise<LuaRpcPeer> {
  let timer: NodeJS.Timeout | undefined;
  // The peer's own timeout bounds each call the same way.
  const dialing = newClient(host, port, { timeout: ms });
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // A connection that opens after all is closed at once.
      void dialing.then((p) => p.close(), () => undefined);
      reject(new CliError(`no connection to ${where} within ${ms} ms: is the address right? raise --timeout for a slow network`, "ETIMEDOUT"));
    }, ms);
  });
  try {
    return await Promise.race([dialing, late]);
  } catch (err) {
    throw unreachable(err, where) ?? err;
  } finally {
    clearTimeout(timer);
  }
}

/** Makes one call to a Lua RPC peer and prints its results as JSON (one result alone, several as a list). */
export const luaSpec: CommandSpec = {
  name: "lua",
  args: "call <host:port> <name> [json-args...]",
  summary: "call a procedure of a Lua RPC peer and print its results as JSON",
  about: [
    "Connects to a Lua RPC (Mihini) peer, such as the demo's on 127.0.0.1:1999,",
    "calls <name> (a dotted path: math.max) with the arguments (each read as JSON,",
    "else taken as a string) and prints one result alone, several as a list.",
  ],
  options: {
    timeout: { type: "string", value: "ms", help: `give up connecting, and waiting for the answer, after this long (default ${DEFAULT_TIMEOUT})` },
    json: JSON_OPTION,
  },
  async run(ctx) {
    const [verb, target, name, ...rest] = ctx.positionals;
    if (verb !== "call") throw new UsageError(verb === undefined ? "needs call <host:port> <name>" : `the only Lua command is call, not "${verb}"`);
    if (!target || !name) throw new UsageError("needs host:port and a procedure name");
    const { host, port } = parseHostPort(target, "localhost");
    if (port === 0) throw new UsageError(`bad host:port "${target}"`);
    const timeout = msOption(ctx, "timeout", DEFAULT_TIMEOUT);
    const peer = await untilAborted(connectWithin(host, port, target, timeout), ctx.signal);
    try {
      const results = await untilAborted(peer.call(name, ...rest.map(jsonArg)), ctx.signal).catch((err: unknown) => {
        if (err instanceof LuaRpcTimeoutError) throw new CliError(`no answer from ${target} within ${timeout} ms: the peer is busy; raise --timeout to wait longer`, "ETIMEDOUT");
        throw err;
      });
      ctx.out(toJson(results.length === 1 ? results[0] : results, valueLimits(ctx)) ?? "null");
    } finally {
      await peer.close();
    }
  },
};
