/** `purezmq serve`: a module's exports as an RPC server. */
import { RpcServer, type RpcHandler } from "../rpc/index.js";
import { textOption, UsageError, noMoreArgs, type CommandSpec } from "./args.js";
import { CliError, explainBindError } from "./errors.js";
import { toJson, TRACE_TEXT } from "./json-print.js";
import { CURVE_SERVER_OPTIONS, PLAIN_OPTION, PROTOCOL_HINTS, PROTOCOL_OPTION, curveOption, plainOption, protocolOption } from "./rpc-options.js";
import { loadServed, type Served } from "./serve-module.js";
import { aborted } from "./stop.js";
import { terminalSafe } from "./terminal-safe.js";

/** Default of `--bind`. */
export const DEFAULT_SERVE_ENDPOINT = "tcp://127.0.0.1:8004";

/** The function a dotted method name reaches from what was registered, with its object as `this`. */
function resolveMethod(served: readonly Served[], name: string): RpcHandler | undefined {
  for (const [root, target] of served) {
    if (name !== root && !name.startsWith(root + ".")) continue;
    if (name === root) return typeof target === "function" ? (target as RpcHandler) : undefined;
    let owner: unknown = target;
    const path = name.slice(root.length + 1).split(".");
    for (const key of path.slice(0, -1)) owner = (owner as Record<string, unknown>)?.[key];
    const fn = (owner as Record<string, unknown>)?.[path[path.length - 1]!];
    if (typeof fn === "function") return fn.bind(owner) as RpcHandler;
  }
  return undefined;
}

/**
 * The handler as served: failures are logged, and with `verbose` each
 * call. The declared parameter count stays, for `rpc.methods`.
 */
function logged(name: string, fn: RpcHandler, verbose: boolean, log: (line: string) => void): RpcHandler {
  const show = (args: unknown[]): string => args.map((a) => toJson(a, TRACE_TEXT) ?? "undefined").join(", ");
  const wrapper = async (...args: unknown[]): Promise<unknown> => {
    const started = performance.now();
    try {
      const result = await fn(...args);
      if (verbose) log(`${name}(${show(args)}) -> ${toJson(result, TRACE_TEXT) ?? "undefined"} in ${(performance.now() - started).toFixed(1)} ms`);
      return result;
    } catch (err) {
      const e = err as Error;
      log(`${name}(${show(args)}) failed: ${e?.name ?? "Error"}: ${e?.message ?? String(err)}`);
      throw err;
    }
  };
  Object.defineProperty(wrapper, "length", { value: fn.length });
  return wrapper;
}

/**
 * Serves a module's exports: each exported function by its name, each
 * exported object's methods as `name.method`, each exported class through
 * an instance. Runs until Ctrl-C.
 */
export const serveSpec: CommandSpec = {
  name: "serve",
  args: "<module.js>",
  summary: "serve a JavaScript module's functions over RPC",
  about: [
    "Binds an RPC server and serves the module's exports: functions by name, an",
    "object's methods as name.method, a class through an instance (new, no",
    "arguments). Named exports, a default export and CommonJS module.exports all",
    "work. A handler that throws is logged on stderr; --verbose logs every call.",
    "Runs until Ctrl-C.",
  ],
  options: {
    bind: { type: "string", value: "endpoint", help: `endpoint to bind (default ${DEFAULT_SERVE_ENDPOINT}; port 0 picks a free port)` },
    protocol: PROTOCOL_OPTION,
    plain: PLAIN_OPTION,
    ...CURVE_SERVER_OPTIONS,
    verbose: { type: "boolean", help: "log every call on stderr" },
  },
  hints: PROTOCOL_HINTS,
  async run(ctx) {
    const [modulePath] = ctx.positionals;
    if (!modulePath) throw new UsageError("needs a module to serve");
    noMoreArgs(ctx, 1);
    const protocol = protocolOption(ctx);
    const plain = plainOption(ctx);
    const curve = curveOption(ctx, "server");
    if (plain && curve) throw new UsageError("--plain and --curve-secret-key cannot go together");
    const served = await loadServed(modulePath);
    const server = new RpcServer({ protocol, ...(plain ? { plain: { users: { [plain.username]: plain.password } } } : {}), ...(curve ? { curve } : {}) });
    try {
      for (const [name, target] of served) {
        try {
          server.register(name, target);
        } catch {
          // An object without methods: nothing of it to serve.
        }
      }
      const names = server.methods().map((m) => m.name).filter((n) => !n.startsWith("rpc."));
      if (names.length === 0) throw new CliError(`${modulePath} exports no functions, objects with methods or classes to serve`);
      const verbose = ctx.options.verbose === true;
      const log = (line: string): void => ctx.log(terminalSafe(line));
      for (const name of names) {
        const fn = resolveMethod(served, name);
        if (!fn) continue;
        server.unregister(name);
        server.register(name, logged(name, fn, verbose, log));
      }
      await server.bind(textOption(ctx, "bind", DEFAULT_SERVE_ENDPOINT)).catch((err: unknown) => {
        throw explainBindError(err, "--bind");
      });
      ctx.out(`serving ${names.join(", ")} on ${server.endpoint}`);
      await aborted(ctx.signal);
    } finally {
      server.close();
    }
  },
};
