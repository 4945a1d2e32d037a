/** `purezmq trace`: relay a connection and print what crosses it. */
import { rmSync } from "node:fs";
import type * as net from "node:net";
import { formatTcp } from "../zmtp/transport/endpoint.js";
import { JSON_OPTION, noMoreArgs, UsageError, type CommandSpec } from "./args.js";
import { TRACE_LIMITS, toJson } from "./json-print.js";
import { formatTraceEvent } from "./output.js";
import { LuaTap } from "./trace/lua-tap.js";
import { startRelay } from "./trace/relay.js";
import { ZmtpTap } from "./trace/zmtp-tap.js";
import { aborted } from "./stop.js";
import { parseHostPort } from "./reach.js";

/**
 * The endpoint an address given to the tracer stands for. With --lua it may
 * be written as `lua call` takes it (`host:port`, `[v6]:port`, a bare port
 * on localhost), since Lua RPC peers are addressed so.
 */
function traceEndpoint(text: string, lua: boolean): string {
  if (!lua || text.includes("://")) return text;
  const { host, port } = parseHostPort(text, "localhost");
  return formatTcp(host, port);
}

/**
 * Removes an ipc:// listening socket's file when the process ends, even by
 * a second Ctrl-C (which exits at once, before the server is closed): a
 * file left behind would make the next `--listen` on it fail.
 */
function removeOnExit(address: ReturnType<net.Server["address"]>): () => void {
  if (typeof address !== "string") return () => undefined;
  const remove = (): void => rmSync(address, { force: true });
  process.once("exit", remove);
  return () => {
    process.off("exit", remove);
    remove();
  };
}

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
    listen: { type: "string", value: "endpoint", help: "endpoint to listen on (required; port 0 picks a free port; host:port with --lua)" },
    to: { type: "string", value: "endpoint", help: "endpoint of the server to relay to (required; host:port with --lua)" },
    lua: { type: "boolean", help: "decode Lua RPC instead of ZMTP" },
    json: { ...JSON_OPTION, help: "one JSON object per event (NaN and ±Infinity become null)" },
  },
  async run(ctx) {
    noMoreArgs(ctx, 0);
    const json = ctx.options.json === true;
    const lua = ctx.options.lua === true;
    if (typeof ctx.options.listen !== "string" || typeof ctx.options.to !== "string") throw new UsageError("needs --listen and --to");
    const listen = traceEndpoint(ctx.options.listen, lua);
    const to = traceEndpoint(ctx.options.to, lua);
    const report = json
      ? (e: Parameters<typeof formatTraceEvent>[0]) => ctx.out(toJson(e, TRACE_LIMITS)!)
      : (e: Parameters<typeof formatTraceEvent>[0]) => ctx.out(formatTraceEvent(e));
    const server = await startRelay({
      listen,
      to,
      report,
      makeTap: (conn, dir, rep) => (lua ? new LuaTap(conn, dir, rep) : new ZmtpTap(conn, dir, rep)),
    });
    const addr = server.address();
    const removeSocketFile = removeOnExit(addr);
    try {
      const where = typeof addr === "object" && addr ? formatTcp(addr.address, addr.port) : `ipc://${String(addr)}`;
      // With --json, stdout carries only events; the banner (with the real port
      // when port 0 was asked for) goes to stderr.
      const banner = `tracing ${lua ? "Lua RPC" : "ZMTP"}: listening on ${where}, relaying to ${to}`;
      if (json) ctx.log(banner);
      else ctx.out(banner);
      await aborted(ctx.signal);
    } finally {
      server.close();
      removeSocketFile();
    }
  },
};
