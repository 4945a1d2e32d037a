/**
 * Decodes one direction of a ZMTP connection for the tracer, with the same
 * sans-I/O wire layer the sockets use. It only reads: the relay forwards the
 * octets untouched. After a violation it stops decoding that direction.
 */
import { Buffer } from "node:buffer";
import { luaovermq } from "../../rpc/codec/index.js";
import {
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FrameDecoder, GreetingReader, ZmtpProtocolError, decodeCommand,
  decodeError, decodePing, decodeProperties, type FrameSink,
} from "../../zmtp/wire/index.js";
import { summarise, type Direction, type FrameSummary, type TraceEvent } from "./events.js";

/** The ZMTP decoder of one direction of one relayed connection. */
export class ZmtpTap implements FrameSink {
  private readonly greeting = new GreetingReader();
  private readonly decoder = new FrameDecoder(this);
  private greeted = false;
  private failed = false;
  private mechanism = "NULL";
  private parts: Buffer[] = [];
  private frames: FrameSummary[] = [];

  constructor(
    private readonly conn: number,
    private readonly dir: Direction,
    private readonly report: (event: TraceEvent) => void,
  ) {}

  /** Decodes the next octets of this direction. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    try {
      if (!this.greeted) {
        const done = this.greeting.push(chunk);
        if (!done) return;
        this.greeted = true;
        const g = done.greeting;
        this.mechanism = g.mechanism;
        this.report({ type: "greeting", conn: this.conn, dir: this.dir, version: `${g.major}.${g.minor}`, mechanism: g.mechanism, asServer: g.asServer });
        chunk = done.rest;
      }
      this.decoder.push(chunk);
    } catch (err) {
      this.failed = true;
      const msg = err instanceof ZmtpProtocolError ? err.message : String(err);
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: msg });
    }
  }

  /** @internal Called by the frame decoder for each frame. */
  onFrame(body: Buffer, flags: number): void {
    const names = [flags & FLAG_MORE && "MORE", flags & FLAG_LONG && "LONG", flags & FLAG_COMMAND && "COMMAND"].filter(Boolean) as string[];
    if (flags & FLAG_COMMAND) {
      const cmd = decodeCommand(body);
      this.report({ type: "command", conn: this.conn, dir: this.dir, name: cmd.name, detail: this.commandDetail(cmd.name, cmd.data) });
      return;
    }
    this.parts.push(body);
    this.frames.push(summarise(body, names));
    if (flags & FLAG_MORE) return;
    const decoded = decodeRpc(this.parts);
    this.report({ type: "message", conn: this.conn, dir: this.dir, frames: this.frames, ...(decoded ? { decoded } : {}) });
    this.parts = [];
    this.frames = [];
  }

  private commandDetail(name: string, data: Buffer): Record<string, unknown> {
    switch (name) {
      case "READY":
      case "INITIATE":
        // Names as sent: an auditor checks the case on the wire, which peers ignore.
        return { metadata: Object.fromEntries(decodeProperties(data).map(([k, v]) => [k, v.toString("latin1")])) };
      case "HELLO":
        if (this.mechanism === "PLAIN" && data.length >= 1) {
          // The password is never shown, nor its length.
          return { username: data.toString("utf8", 1, 1 + data[0]!), password: "***" };
        }
        return { size: data.length };
      case "ERROR":
        return { reason: decodeError(data) };
      case "PING": {
        const p = decodePing(data);
        return { ttl: p.ttl, context: p.context.toString("hex") };
      }
      case "PONG":
        return { context: data.toString("hex") };
      case "SUBSCRIBE":
      case "CANCEL":
        return { topic: data.toString("hex"), text: summarise(data, []).text };
      default:
        return { size: data.length };
    }
  }
}

/**
 * Recognises the default RPC protocol in a message: after any envelope (up
 * to the last empty frame), one msgpack frame `[method, ...args]` is a
 * request and `OK`/`ERROR` + msgpack is a reply.
 */
export function decodeRpc(parts: Buffer[]): Record<string, unknown> | undefined {
  let start = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i]!.length === 0) {
      start = i + 1;
      break;
    }
  }
  const body = parts.slice(start);
  try {
    if (body.length === 1) {
      const req = luaovermq.decodeRequest(body[0]!);
      return { rpc: "request", method: req.method, args: req.args };
    }
    if (body.length === 2) {
      const status = body[0]!.toString("latin1");
      if (status === "OK" || status === "ERROR") {
        const reply = luaovermq.decodeReply(body);
        return reply.ok ? { rpc: "reply", status, value: reply.value } : { rpc: "reply", status, message: reply.message };
      }
      return { publish: body[0]!.toString("utf8"), value: luaovermq.decodeValue(body[1]!) };
    }
  } catch {
    /* not RPC traffic: the frames alone are reported */
  }
  return undefined;
}
