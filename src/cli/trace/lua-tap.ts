/** Decodes one direction of a Lua RPC connection for the tracer. */
import { Buffer } from "node:buffer";
import { FrameDecoder, MessageType, decodeMany } from "../../lua-rpc/index.js";
import type { Direction, TraceEvent } from "./events.js";

const STATUS_NAMES = ["OK", "error", "no such procedure", "not callable", "result not serializable"];

/** The Lua RPC decoder of one direction of one relayed connection. */
export class LuaTap {
  private readonly decoder = new FrameDecoder();
  private failed = false;

  constructor(
    private readonly conn: number,
    private readonly dir: Direction,
    private readonly report: (event: TraceEvent) => void,
  ) {}

  /** Decodes the next octets of this direction. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    try {
      for (const frame of this.decoder.push(chunk)) {
        if (frame.type === MessageType.CALL) {
          const [name, ...args] = decodeMany(frame.payload);
          this.report({ type: "lua", conn: this.conn, dir: this.dir, kind: "call", seq: frame.seq, detail: { name, args } });
        } else {
          const status = frame.payload[0]!;
          const results = decodeMany(frame.payload.subarray(1));
          this.report({ type: "lua", conn: this.conn, dir: this.dir, kind: "response", seq: frame.seq, detail: { status, meaning: STATUS_NAMES[status] ?? "unknown", results } });
        }
      }
    } catch (err) {
      this.failed = true;
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: (err as Error).message });
    }
  }
}
