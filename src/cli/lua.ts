/** `purezmq lua call <host:port> <name> [args...]`: one Lua RPC call. */
import { newClient } from "../lua-rpc/index.js";
import { jsonArg, msFlag, parseArgs, UsageError } from "./args.js";
import { toJson } from "./json-print.js";

/** Usage line of `purezmq lua`. */
export const LUA_USAGE = "purezmq lua call <host:port> <name> [json-args...] [--timeout ms]";

/** Makes one call to a Lua RPC peer and prints its results as JSON (one result alone, several as a list). */
export async function luaCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["timeout"], []);
  const [verb, target, name, ...rest] = args.positionals;
  if (verb !== "call" || !target || !name) throw new UsageError(verb !== "call" ? "the only Lua command is call" : "needs host:port and a procedure name");
  const colon = target.lastIndexOf(":");
  const host = colon > 0 ? target.slice(0, colon) : "localhost";
  const port = Number(colon >= 0 ? target.slice(colon + 1) : target);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError(`bad host:port "${target}"`);
  const peer = await newClient(host, port, { timeout: msFlag(args, "timeout", 5000) });
  try {
    const results = await peer.call(name, ...rest.map(jsonArg));
    out(toJson(results.length === 1 ? results[0] : results) ?? "null");
  } finally {
    await peer.close();
  }
}
