/** `purezmq trace`: relay a connection and print what crosses it. */
import { rmSync, writeFileSync } from "node:fs";
import type * as net from "node:net";
import { formatTcp } from "../zmtp/transport/endpoint.js";
import { JSON_OPTION, noMoreArgs, UsageError, type CommandSpec } from "./args.js";
import { TRACE_LIMITS, toJson } from "./json-print.js";
import { formatTraceEvent } from "./output.js";
import { CliError, EXIT } from "./errors.js";
import type { TapFactory } from "./trace/connection.js";
import type { TraceEvent } from "./trace/events.js";
import { KeyLog } from "./trace/keylog.js";
import { LuaTap } from "./trace/lua-tap.js";
import { SequenceDiagram } from "./trace/sequence-diagram.js";
import { CaptureError, summaryNotes, traceCaptureFile } from "./trace/pcap/capture-trace.js";
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

/** Decodes a capture file; notes on what it held but was not decoded go to `log`. */
async function traceCapture(path: string, makeTap: TapFactory, report: (e: TraceEvent) => void, log: (line: string) => void): Promise<void> {
  let summary;
  try {
    summary = await traceCaptureFile(path, makeTap, report);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (err instanceof CaptureError) throw new CliError(`${path}: ${e.message}`, e.code, EXIT.failed);
    if (typeof e?.code === "string" && e.syscall !== undefined) throw new CliError(`cannot read ${path}: ${e.message}`, e.code, EXIT.failed, { cause: err });
    throw err;
  }
  for (const note of summaryNotes(summary)) log(note);
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
    "Runs until Ctrl-C. With --pcap, decodes the TCP connections of a capture",
    "file (pcap or pcapng, as tcpdump writes them) instead, printing for each",
    "connection what the relay would have printed.",
  ],
  options: {
    listen: { type: "string", value: "endpoint", help: "endpoint to listen on (required; port 0 picks a free port; host:port with --lua)" },
    to: { type: "string", value: "endpoint", help: "endpoint of the server to relay to (required; host:port with --lua)" },
    pcap: { type: "string", value: "file", help: "decode the connections of a pcap or pcapng capture file instead of relaying" },
    svg: { type: "string", value: "file", help: "also draw each connection as a sequence diagram into this SVG file (written when tracing ends)" },
    lua: { type: "boolean", help: "decode Lua RPC instead of ZMTP" },
    keylog: { type: "string", value: "file", help: "open CURVE MESSAGEs with the keys a purezmq peer logged there (PUREZMQ_KEYLOGFILE)" },
    json: { ...JSON_OPTION, help: "one JSON object per event (NaN and ±Infinity become null)" },
  },
  async run(ctx) {
    noMoreArgs(ctx, 0);
    const json = ctx.options.json === true;
    const lua = ctx.options.lua === true;
    const print = json
      ? (e: TraceEvent) => ctx.out(toJson(e, TRACE_LIMITS)!)
      : (e: TraceEvent) => ctx.out(formatTraceEvent(e));
    const svg = typeof ctx.options.svg === "string" ? { path: ctx.options.svg, diagram: new SequenceDiagram() } : undefined;
    const report = svg ? (e: TraceEvent) => (svg.diagram.add(e), print(e)) : print;
    const drawn = (): void => {
      if (svg) writeFileSync(svg.path, svg.diagram.render());
    };
    // Written once now, so that a path that cannot be written fails at start.
    drawn();
    if (lua && typeof ctx.options.keylog === "string") throw new UsageError("--keylog opens ZMTP CURVE traffic, not --lua");
    const keylog = typeof ctx.options.keylog === "string" ? new KeyLog(ctx.options.keylog) : undefined;
    const makeTap: TapFactory = (conn, dir, rep) => (lua ? new LuaTap(conn, dir, rep) : new ZmtpTap(conn, dir, rep, keylog?.forTap(conn)));
    if (typeof ctx.options.pcap === "string") {
      if (ctx.options.listen !== undefined || ctx.options.to !== undefined) throw new UsageError("--pcap reads a file: it takes no --listen or --to");
      try {
        await traceCapture(ctx.options.pcap, makeTap, report, ctx.log);
      } finally {
        // What a truncated capture held is drawn too.
        drawn();
      }
      return;
    }
    if (typeof ctx.options.listen !== "string" || typeof ctx.options.to !== "string") throw new UsageError("needs --listen and --to (or --pcap)");
    const listen = traceEndpoint(ctx.options.listen, lua);
    const to = traceEndpoint(ctx.options.to, lua);
    const server = await startRelay({ listen, to, report, makeTap });
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
      drawn();
    }
  },
};
