/**
 * Decodes one direction of a Lua RPC connection for the tracer. Frames are
 * followed by their 6-octet headers with a bounded keep (see `limits.ts`);
 * a payload that does not decode is a violation of that frame alone. Only a
 * header with an unknown message type ends the decoding of the direction.
 */
import { Buffer } from "node:buffer";
import { HEADER_SIZE, LuaRpcProtocolError, MessageType, decodeMany } from "../../lua-rpc/index.js";
import type { Direction, TraceEvent } from "./events.js";
import { FrameScanner, type FrameFormat, type ScannedFrame } from "./frame-scanner.js";
import { LUA_DECODE_OCTETS } from "./limits.js";

const STATUS_NAMES = ["OK", "error", "no such procedure", "not callable", "result not serializable"];

interface LuaHeader {
  kind: "call" | "response";
  seq: number;
}

/** Lua RPC framing: `type u8`, `seq u8`, `size u32` big-endian. */
const luaFraming: FrameFormat<LuaHeader> = {
  headerSize: () => HEADER_SIZE,
  readHeader(h) {
    const type = h[0]!;
    if (type !== MessageType.CALL && type !== MessageType.RESPONSE) throw new LuaRpcProtocolError(`bad message type ${type}`);
    return { header: { kind: type === MessageType.CALL ? "call" : "response", seq: h[1]! }, size: h.readUInt32BE(2) };
  },
};

/** The Lua RPC decoder of one direction of one relayed connection. */
export class LuaTap {
  private readonly scanner = new FrameScanner(luaFraming, () => LUA_DECODE_OCTETS, (f) => this.onFrame(f));
  private stopped = false;

  constructor(
    private readonly conn: number,
    private readonly dir: Direction,
    private readonly report: (event: TraceEvent) => void,
  ) {}

  /** Decodes the next octets of this direction. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    try {
      this.scanner.push(chunk);
    } catch (err) {
      this.stopped = true;
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: (err as Error).message, stopped: true });
    }
  }

  private onFrame({ header: { kind, seq }, size, kept }: ScannedFrame<LuaHeader>): void {
    let detail: Record<string, unknown>;
    try {
      detail = kept.length < size ? { size, decoded: false } : decodePayload(kind, kept);
    } catch (err) {
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: (err as Error).message });
      return;
    }
    this.report({ type: "lua", conn: this.conn, dir: this.dir, kind, seq, detail });
  }
}

function decodePayload(kind: LuaHeader["kind"], payload: Buffer): Record<string, unknown> {
  if (kind === "call") {
    const [name, ...args] = decodeMany(payload);
    return { name, args };
  }
  if (payload.length < 1) throw new LuaRpcProtocolError("response frame without status octet");
  const status = payload[0]!;
  return { status, meaning: STATUS_NAMES[status] ?? "unknown", results: decodeMany(payload.subarray(1)) };
}
