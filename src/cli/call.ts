/** `purezmq call` and `purezmq serve`: the RPC layer from the command line. */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { RpcClient, RpcServer } from "../rpc/index.js";
import { jsonArg, msFlag, parseArgs, UsageError, type ParsedArgs } from "./args.js";
import { toJson } from "./output.js";

/** Usage line of `purezmq call`. */
export const CALL_USAGE = "purezmq call <endpoint> <method> [json-args...] [--timeout ms] [--plain user:pass] [--json]";
/** Usage line of `purezmq serve`. */
export const SERVE_USAGE = "purezmq serve <module> [--bind endpoint] [--plain user:pass] [--json]";

/** Splits `user:pass` (the password may contain colons). */
function plainFlag(args: ParsedArgs): { username: string; password: string } | undefined {
  const v = args.flags.get("plain");
  if (v === undefined) return undefined;
  const colon = typeof v === "string" ? v.indexOf(":") : -1;
  if (typeof v !== "string" || colon <= 0) throw new UsageError("--plain takes user:password");
  return { username: v.slice(0, colon), password: v.slice(colon + 1) };
}

/** Calls one method and prints its result as JSON. */
export async function callCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["timeout", "plain"], ["json"]);
  const [endpoint, method, ...rest] = args.positionals;
  if (!endpoint || !method) throw new UsageError("needs an endpoint and a method");
  const plain = plainFlag(args);
  const client = new RpcClient(endpoint, {
    timeout: msFlag(args, "timeout", 5000),
    protocol: args.flags.has("json") ? "manley" : "luaovermq",
    ...(plain ? { plain } : {}),
  });
  try {
    out(toJson(await client.call(method, ...rest.map(jsonArg))) ?? "null");
  } finally {
    client.close();
  }
}

/**
 * Serves a module's exports: each exported function by its name, each
 * exported object's methods as `name.method`.
 */
export async function serveCommand(argv: string[], out: (line: string) => void): Promise<RpcServer> {
  const args = parseArgs(argv, ["bind", "plain"], ["json"]);
  const [modulePath, ...extra] = args.positionals;
  if (!modulePath || extra.length > 0) throw new UsageError(modulePath ? `unexpected argument "${extra[0]}"` : "needs a module to serve");
  const mod = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  const plain = plainFlag(args);
  const server = new RpcServer({
    protocol: args.flags.has("json") ? "manley" : "luaovermq",
    ...(plain ? { plain: { users: { [plain.username]: plain.password } } } : {}),
  });
  let count = 0;
  for (const [name, value] of Object.entries(mod)) {
    if (name === "default" || (typeof value !== "function" && (typeof value !== "object" || value === null))) continue;
    server.register(name, value as object);
    count++;
  }
  if (count === 0) {
    server.close();
    throw new Error(`${modulePath} exports no functions or objects to serve`);
  }
  const bindTo = args.flags.get("bind");
  await server.bind(typeof bindTo === "string" ? bindTo : "tcp://127.0.0.1:8004");
  out(`serving ${server.methods().map((m) => m.name).join(", ")} on ${server.endpoint}`);
  return server;
}
