/** `purezmq trace`: relay a connection and print what crosses it. */
import { parseArgs, UsageError } from "./args.js";
import { formatTraceEvent, toJson } from "./output.js";
import { LuaTap } from "./trace/lua-tap.js";
import { startRelay } from "./trace/relay.js";
import { ZmtpTap } from "./trace/zmtp-tap.js";

export const TRACE_USAGE = "purezmq trace --listen <endpoint> --to <endpoint> [--lua] [--json]";

/** Runs the tracer until the process is stopped. */
export async function traceCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["listen", "to"], ["lua", "json"]);
  const listen = args.flags.get("listen");
  const to = args.flags.get("to");
  if (typeof listen !== "string" || typeof to !== "string" || args.positionals.length > 0) {
    throw new UsageError(`usage: ${TRACE_USAGE}`);
  }
  const json = args.flags.has("json");
  const lua = args.flags.has("lua");
  const report = json
    ? (e: Parameters<typeof formatTraceEvent>[0]) => out(toJson(e))
    : (e: Parameters<typeof formatTraceEvent>[0]) => out(formatTraceEvent(e));
  const server = await startRelay({
    listen,
    to,
    report,
    makeTap: (conn, dir, rep) => (lua ? new LuaTap(conn, dir, rep) : new ZmtpTap(conn, dir, rep)),
  });
  const addr = server.address();
  const where = typeof addr === "object" && addr ? `${addr.address}:${addr.port}` : String(addr);
  if (!json) out(`tracing ${lua ? "Lua RPC" : "ZMTP"}: listening on ${where}, relaying to ${to}`);
}
