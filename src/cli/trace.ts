/** `purezmq trace`: relay a connection and print what crosses it. */
import { formatTcp } from "../zmtp/transport/endpoint.js";
import { JSON_OPTION, noMoreArgs, UsageError, type CommandSpec } from "./args.js";
import { TRACE_LIMITS, toJson } from "./json-print.js";
import { formatTraceEvent } from "./output.js";
import { KeyLog } from "./trace/keylog.js";
import { LuaTap } from "./trace/lua-tap.js";
import { startRelay } from "./trace/relay.js";
import { ZmtpTap } from "./trace/zmtp-tap.js";
import { aborted } from "./stop.js";

/** Runs the tracer until Ctrl-C. */
export const traceSpec: CommandSpec = {
  name: "trace",
  args: "",
  summary: "relay connections and print every greeting, command and frame",
  about: [
    "Listens on --listen and relays each connection to --to, unchanged, printing",
    "what crosses it: ZMTP greetings, commands and frames with RPC requests and",
    "replies decoded, or Lua RPC messages with --lua. Point the client at --listen.",
    "Runs until Ctrl-C.",
  ],
  options: {
    listen: { type: "string", value: "endpoint", help: "endpoint to listen on (required; port 0 picks a free port)" },
    to: { type: "string", value: "endpoint", help: "endpoint of the server to relay to (required)" },
    lua: { type: "boolean", help: "decode Lua RPC instead of ZMTP" },
    keylog: { type: "string", value: "file", help: "open CURVE MESSAGEs with the keys a purezmq peer logged there (PUREZMQ_KEYLOGFILE)" },
    json: { ...JSON_OPTION, help: "one JSON object per event (NaN and ±Infinity become null)" },
  },
  async run(ctx) {
    noMoreArgs(ctx, 0);
    const { listen, to } = ctx.options;
    if (typeof listen !== "string" || typeof to !== "string") throw new UsageError("needs --listen and --to");
    const json = ctx.options.json === true;
    const lua = ctx.options.lua === true;
    if (lua && typeof ctx.options.keylog === "string") throw new UsageError("--keylog opens ZMTP CURVE traffic, not --lua");
    const keylog = typeof ctx.options.keylog === "string" ? new KeyLog(ctx.options.keylog) : undefined;
    const report = json
      ? (e: Parameters<typeof formatTraceEvent>[0]) => ctx.out(toJson(e, TRACE_LIMITS)!)
      : (e: Parameters<typeof formatTraceEvent>[0]) => ctx.out(formatTraceEvent(e));
    const server = await startRelay({
      listen,
      to,
      report,
      makeTap: (conn, dir, rep) => (lua ? new LuaTap(conn, dir, rep) : new ZmtpTap(conn, dir, rep, keylog?.forTap(conn))),
    });
    try {
      const addr = server.address();
      const where = typeof addr === "object" && addr ? formatTcp(addr.address, addr.port) : `ipc://${String(addr)}`;
      // With --json, stdout carries only events; the banner (with the real port
      // when port 0 was asked for) goes to stderr.
      const banner = `tracing ${lua ? "Lua RPC" : "ZMTP"}: listening on ${where}, relaying to ${to}`;
      if (json) ctx.log(banner);
      else ctx.out(banner);
      await aborted(ctx.signal);
    } finally {
      server.close();
    }
  },
};
