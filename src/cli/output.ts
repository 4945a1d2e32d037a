/** Printing for the command: text for people, one JSON object per line for tools. */
import { Buffer } from "node:buffer";
import type { TraceEvent } from "./trace/events.js";

/** JSON that survives Buffers, bigints and Maps. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Map) return Object.fromEntries(v);
    if (v && typeof v === "object" && (v as { type?: string }).type === "Buffer" && Array.isArray((v as { data?: unknown }).data)) {
      return { hex: Buffer.from((v as { data: number[] }).data).toString("hex") };
    }
    if (v instanceof Uint8Array) return { hex: Buffer.from(v).toString("hex") };
    return v;
  });
}

function show(value: unknown): string {
  return toJson(value) ?? "undefined";
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
      return `${head} greeting ZMTP ${e.version} ${e.mechanism} as-server=${e.asServer ? 1 : 0}`;
    case "command":
      return `${head} ${e.name} ${Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === "string" ? v : show(v)}`).join(" ")}`.trimEnd();
    case "message": {
      const frames = e.frames
        .map((f, i) => `[${i}${f.flags.length ? ` ${f.flags.join("|")}` : ""} ${f.size}B ${f.hex}${f.size > 0 ? ` "${f.text}"` : ""}]`)
        .join(" ");
      const d = e.decoded;
      let rpc = "";
      if (d?.rpc === "request") rpc = ` => request ${String(d.method)}(${(d.args as unknown[]).map(show).join(", ")})`;
      else if (d?.rpc === "reply") rpc = ` => reply ${String(d.status)} ${show("value" in d ? d.value : d.message)}`;
      else if (d && "publish" in d) rpc = ` => publish ${String(d.publish)} ${show(d.value)}`;
      return `${head} message ${e.frames.length} frame${e.frames.length === 1 ? "" : "s"} ${frames}${rpc}`;
    }
    case "lua":
      return `${head} lua ${e.kind} seq=${e.seq} ${show(e.detail)}`;
    case "violation":
      return `${head} VIOLATION ${e.error}`;
  }
}
