/** `purezmq call` and `purezmq serve`: the RPC layer from the command line. */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import type { EventOfType } from "../index.js";
import { RpcClient, RpcServer } from "../rpc/index.js";
import { bytesFlag, jsonArg, msFlag, parseArgs, UsageError, type ParsedArgs } from "./args.js";
import { toJson } from "./json-print.js";

/** Usage line of `purezmq call`. */
export const CALL_USAGE = "purezmq call <endpoint> <method> [json-args...] [--timeout ms] [--max-reply bytes] [--plain user:pass] [--json]";
/** Default of `--max-reply`: the largest reply frame accepted, in octets. */
export const DEFAULT_MAX_REPLY = 16 * 1024 * 1024;
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

/** A connection that ended with a protocol error: the reply will not come. */
function connectionFailure(event: EventOfType<"disconnect">, maxReply: number): Error & { code: string } {
  const cause = event.error!;
  const message = cause.code === "EMSGSIZE"
    ? `the reply is larger than --max-reply ${maxReply} bytes`
    : `the server broke the protocol: ${cause.message}`;
  return Object.assign(new Error(message, { cause }), { code: cause.code });
}

/**
 * Calls one method and prints its result as JSON. A reply frame over
 * `--max-reply` octets ends the connection before it is buffered; that, a
 * reply that does not decode, or any protocol error on the connection
 * fails the call at once (exit status 3, see main.ts).
 */
export async function callCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["timeout", "plain", "max-reply"], ["json"]);
  const [endpoint, method, ...rest] = args.positionals;
  if (!endpoint || !method) throw new UsageError("needs an endpoint and a method");
  const plain = plainFlag(args);
  const maxReply = bytesFlag(args, "max-reply", DEFAULT_MAX_REPLY);
  const client = new RpcClient(endpoint, {
    timeout: msFlag(args, "timeout", 5000),
    protocol: args.flags.has("json") ? "manley" : "luaovermq",
    socket: { maxMessageSize: maxReply },
    ...(plain ? { plain } : {}),
  });
  // The library's deadlines do not keep a process alive, and a connection
  // ended by a protocol error is not redialled: without these two, a
  // garbled reply left the call waiting on nothing and the process ended
  // mid-await (status 13, no message).
  const keepAlive = setInterval(() => undefined, 0x7fffffff);
  let onDisconnect: ((event: EventOfType<"disconnect">) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    onDisconnect = (event) => {
      if (event.error && event.error.code !== "ETIMEDOUT") reject(connectionFailure(event, maxReply));
    };
    client.socket.events.on("disconnect", onDisconnect);
  });
  try {
    out(toJson(await Promise.race([client.call(method, ...rest.map(jsonArg)), failed])) ?? "null");
  } finally {
    clearInterval(keepAlive);
    client.socket.events.off("disconnect", onDisconnect!);
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
