/**
 * The tracer's text output: one line per event for people (`--json` prints
 * the events themselves). Values from the network are cut to
 * {@link TRACE_LIMITS}; control characters are escaped where lines are
 * printed (`terminalSafe`).
 */
import type { TraceEvent } from "./trace/events.js";
import { TRACE_LIMITS, TRACE_TEXT, toJson } from "./json-print.js";

function show(value: unknown): string {
  return toJson(value, TRACE_TEXT) ?? "undefined";
}

/** Text from the network shown bare (method names, topics), cut like a printed string. */
function clip(value: unknown): string {
  const text = String(value);
  const max = TRACE_LIMITS.string;
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more chars)`;
}

/** One human-readable line for a trace event. */
export function formatTraceEvent(e: TraceEvent): string {
  const head = `#${e.conn}${"dir" in e ? ` ${e.dir}` : ""}`;
  switch (e.type) {
    case "open":
      return `${head} open from ${e.peer}`;
    case "close":
      return `${head} close${e.reason ? ` (${e.reason})` : ""}`;
    case "greeting":
      return `${head} greeting ZMTP ${e.version} ${clip(e.mechanism)} as-server=${e.asServer ? 1 : 0}`;
    case "command":
      return `${head} ${clip(e.name)} ${Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === "string" ? clip(v) : show(v)}`).join(" ")}`.trimEnd();
    case "message": {
      const frames = e.frames
        .map((f, i) => `[${i}${f.flags.length ? ` ${f.flags.join("|")}` : ""} ${f.size}B ${f.hex}${f.size > 0 ? ` "${f.text}"` : ""}]`)
        .join(" ");
      const parts = e.frames.length + (e.omitted?.parts ?? 0);
      const omitted = e.omitted ? ` … ${e.omitted.parts} more parts, ${e.omitted.octets} bytes` : "";
      const d = e.decoded;
      let rpc = "";
      if (d?.rpc === "request") rpc = ` => request ${clip(d.method)}(${(d.args as unknown[]).map(show).join(", ")})`;
      else if (d?.rpc === "reply") rpc = ` => reply ${String(d.status)} ${show("value" in d ? d.value : d.message)}`;
      else if (d && "publish" in d) rpc = ` => publish ${clip(d.publish)} ${show(d.value)}`;
      return `${head} message${e.decrypted ? " (decrypted)" : ""} ${parts} frame${parts === 1 ? "" : "s"} ${frames}${omitted}${rpc}`;
    }
    case "lua":
      return `${head} lua ${e.kind} seq=${e.seq} ${show(e.detail)}`;
    case "violation":
      return `${head} VIOLATION ${clip(e.error)}${e.stopped ? " (decoding of this direction stops; its octets are still relayed)" : ""}`;
  }
}
