/**
 * One traced connection, whatever carries its octets: the live relay
 * (`relay.ts`) and a capture file (`pcap/`) both open one per TCP
 * connection and push each direction's octets, in order, as they pass.
 * So a capture prints exactly what the relay would have printed.
 */
import type { Buffer } from "node:buffer";
import type { Direction, TraceEvent } from "./events.js";

/** A decoder of one direction. */
export interface Tap {
  /** The next octets of this direction (already forwarded, when relayed). */
  push(chunk: Buffer): void;
}

/** Makes the decoder of one direction of one connection. */
export type TapFactory = (conn: number, dir: Direction, report: (e: TraceEvent) => void) => Tap;

/** The two taps of a connection, with its open and close events. */
export class TracedConnection {
  private readonly taps: Record<Direction, Tap>;
  private closed = false;

  /** Reports the connection open, from `peer` (the client's address, `host:port`). */
  constructor(
    readonly conn: number,
    peer: string,
    makeTap: TapFactory,
    private readonly report: (e: TraceEvent) => void,
  ) {
    report({ type: "open", conn, peer });
    this.taps = {
      "c>s": guarded(makeTap(conn, "c>s", report), conn, "c>s", report),
      "s>c": guarded(makeTap(conn, "s>c", report), conn, "s>c", report),
    };
  }

  /** The next octets of one direction. */
  push(dir: Direction, chunk: Buffer): void {
    this.taps[dir].push(chunk);
  }

  /** Reports the connection closed (once), with why when it did not end cleanly. */
  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.report(reason ? { type: "close", conn: this.conn, reason } : { type: "close", conn: this.conn });
  }
}

/**
 * The tap, cut off after its first exception: a decoder's bug or an
 * unforeseen input ends that direction's decoding with a report, never
 * the relay (the exception would otherwise escape a socket's data event and
 * end the process, with every relayed connection).
 */
function guarded(tap: Tap, conn: number, dir: Direction, report: (e: TraceEvent) => void): Tap {
  let failed = false;
  return {
    push(chunk) {
      if (failed) return;
      try {
        tap.push(chunk);
      } catch (err) {
        failed = true;
        try {
          report({ type: "violation", conn, dir, error: `the tracer could not decode this: ${(err as Error)?.message ?? String(err)}`, stopped: true });
        } catch {
          /* reporting is what failed: the relay goes on regardless */
        }
      }
    },
  };
}
