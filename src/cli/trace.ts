/** `purezmq trace`: relay a connection and print what crosses it. */
import { formatTcp } from "../zmtp/transport/endpoint.js";
import { parseArgs, UsageError } from "./args.js";
import { TRACE_LIMITS, toJson } from "./json-print.js";
import { formatTraceEvent } from "./output.js";
import { LuaTap } from "./trace/lua-tap.js";
import { startRelay } from "./trace/relay.js";
import { ZmtpTap } from "./trace/zmtp-tap.js";

/** Usage line of `purezmq trace`. */
export const TRACE_USAGE = "purezmq trace --listen <endpoint> --to <endpoint> [--lua] [--json]";

/** Runs the tracer until the process is stopped. */
export async function traceCommand(argv: string[], out: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, ["listen", "to"], ["lua", "json"]);
  const listen = args.flags.get("listen");
  const to = args.flags.get("to");
  if (typeof listen !== "string" || typeof to !== "string" || args.positionals.length > 0) {
    throw new UsageError(args.positionals.length > 0 ? `unexpected argument "${args.positionals[0]}"` : "needs --listen and --to");
  }
  const json = args.flags.has("json");
  const lua = args.flags.has("lua");
  const report = json
    ? (e: Parameters<typeof formatTraceEvent>[0]) => out(toJson(e, TRACE_LIMITS)!)
    : (e: Parameters<typeof formatTraceEvent>[0]) => out(formatTraceEvent(e));
  const server = await startRelay({
    listen,
    to,
    report,
    makeTap: (conn, dir, rep) => (lua ? new LuaTap(conn, dir, rep) : new ZmtpTap(conn, dir, rep)),
  });
  const addr = server.address();
  const where = typeof addr === "object" && addr ? formatTcp(addr.address, addr.port) : `ipc://${String(addr)}`;
  // With --json, stdout carries only events; the banner (with the real port
  // when port 0 was asked for) goes to stderr.
  const banner = `tracing ${lua ? "Lua RPC" : "ZMTP"}: listening on ${where}, relaying to ${to}`;
  if (json) console.error(banner);
  else out(banner);
}
