/**
 * TCP reassembly for the tracer: each connection of a capture becomes its
 * two ordered byte streams, fed to a {@link TracedConnection} as the live
 * relay feeds one. Segments are placed by sequence number (RFC 9293,
 * modulo 2^32): a retransmission or an overlap gives only its new octets,
 * a segment ahead of a gap waits until the gap is filled.
 *
 * Bounds: at most {@link MAX_FLOWS} connections tracked at once (a later
 * one is counted and skipped), and per direction at most
 * {@link MAX_WAITING_OCTETS} octets in {@link MAX_WAITING_SEGMENTS}
 * segments waiting for a gap, and {@link MAX_WAITING_TOTAL} octets waiting
 * over all connections. A gap that outlasts that bound, or the
 * capture, or a segment the capture cut short, ends the decoding of that
 * direction with a violation saying so: past missing octets, ZMTP frames
 * cannot be found.
 */
import { Buffer } from "node:buffer";
import type { Direction, TraceEvent } from "../events.js";
import { TracedConnection, type TapFactory } from "../connection.js";
import type { TcpSegment } from "./packet.js";

/** Connections tracked at once (each holds at most its taps' bounds and its waiting segments). */
export const MAX_FLOWS = 1024;
/** Octets of one direction waiting for a gap before them to be filled. */
export const MAX_WAITING_OCTETS = 1024 * 1024;
/** Segments of one direction waiting for a gap. */
export const MAX_WAITING_SEGMENTS = 1024;
/** Octets of all connections together waiting for gaps: many connections cannot add up past this. */
export const MAX_WAITING_TOTAL = 64 * 1024 * 1024;

/** The octets waiting in every stream of a capture. */
interface WaitingBudget {
  octets: number;
}

/** One direction of a connection. */
class Stream {
  /** Sequence number of the SYN, when the capture has it. */
  synSeq: number | undefined;
  /** Sequence number of the next octet to deliver; undefined until known. */
  next: number | undefined;
  /** Sequence number after the last octet, once a FIN was seen. */
  finAt: number | undefined;
  private waiting: Array<{ seq: number; data: Buffer }> = [];
  private waitingOctets = 0;
  /** Set when decoding stopped (a gap that will not be filled). */
  stopped = false;

  constructor(
    private readonly dir: Direction,
    private readonly traced: TracedConnection,
    private readonly report: (e: TraceEvent) => void,
    private readonly budget: WaitingBudget,
  ) {}

  /** True once every octet up to the FIN was delivered. */
  get ended(): boolean {
    return this.finAt !== undefined && this.next !== undefined && diff(this.next, this.finAt) >= 0;
  }

  /** A segment of this direction. */
  add(segment: TcpSegment): void {
    if (segment.syn) {
      this.synSeq ??= segment.seq;
      this.next ??= (segment.seq + 1) >>> 0;
    }
    // A capture started after the handshake: the stream starts where it is first seen.
    this.next ??= segment.seq;
    const seq = segment.syn ? (segment.seq + 1) >>> 0 : segment.seq;
    if (segment.fin) this.finAt = (seq + segment.payload.length) >>> 0;
    if (this.stopped || segment.payload.length === 0) return;
    if (segment.missing > 0) {
      // What it has is delivered when it comes next; past its cut the stream is lost.
      if (diff(seq, this.next) <= 0) this.deliver(seq, segment.payload);
      this.stop(`the capture holds only ${segment.payload.length} of the ${segment.payload.length + segment.missing} octets of a segment (its snaplen is too small)`);
      return;
    }
    if (diff(seq, this.next) > 0) {
      this.wait(seq, segment.payload);
      return;
    }
    this.deliver(seq, segment.payload);
    this.drain();
  }

  /** Says the capture ended: a gap still open is reported. */
  finish(): void {
    if (!this.stopped && this.waiting.length > 0) this.stop(`the capture misses octets of this direction (a segment before ${this.waitingOctets} octets received was never captured)`);
  }

  /** Delivers the part of `data` (starting at `seq`, at or before the next octet) past what was delivered. */
  private deliver(seq: number, data: Buffer): void {
    const skip = -diff(seq, this.next!);
    if (skip >= data.length) return;
    const fresh = skip > 0 ? data.subarray(skip) : data;
    this.next = (this.next! + fresh.length) >>> 0;
    this.traced.push(this.dir, fresh);
  }

  private wait(seq: number, data: Buffer): void {
    if (this.waiting.length >= MAX_WAITING_SEGMENTS || this.waitingOctets + data.length > MAX_WAITING_OCTETS) {
      this.stop(`more than ${MAX_WAITING_OCTETS} octets or ${MAX_WAITING_SEGMENTS} segments wait for octets the capture does not have`);
      return;
    }
    if (this.budget.octets + data.length > MAX_WAITING_TOTAL) {
      this.stop(`more than ${MAX_WAITING_TOTAL} octets of all connections wait for octets the capture does not have`);
      return;
    }
    // Copied: the packet is a view into the capture reader's buffer.
    this.waiting.push({ seq, data: Buffer.from(data) });
    this.waitingOctets += data.length;
    this.budget.octets += data.length;
  }

  /** Delivers waiting segments that the stream has reached, until a gap. */
  private drain(): void {
    for (let progressed = true; progressed && this.waiting.length > 0;) {
      progressed = false;
      for (let i = 0; i < this.waiting.length; i++) {
        const w = this.waiting[i]!;
        if (diff(w.seq, this.next!) > 0) continue;
        this.waiting.splice(i, 1);
        this.waitingOctets -= w.data.length;
        this.budget.octets -= w.data.length;
        this.deliver(w.seq, w.data);
        progressed = true;
        break;
      }
    }
  }

  private stop(why: string): void {
    this.stopped = true;
    this.budget.octets -= this.waitingOctets;
    this.waiting = [];
    this.waitingOctets = 0;
    this.report({ type: "violation", conn: this.traced.conn, dir: this.dir, error: why, stopped: true });
  }
}

/** `a - b` in sequence space: negative when `a` is before `b`. */
function diff(a: number, b: number): number {
  return (a - b) | 0;
}

interface Flow {
  client: string;
  traced: TracedConnection;
  streams: Record<Direction, Stream>;
}

/** Follows every TCP connection of a capture. */
export class Reassembler {
  private readonly flows = new Map<string, Flow>();
  private readonly budget: WaitingBudget = { octets: 0 };
  private nextConn = 1;
  /** Connections not followed because {@link MAX_FLOWS} were open. */
  skipped = 0;

  constructor(
    private readonly makeTap: TapFactory,
    private readonly report: (e: TraceEvent) => void,
  ) {}

  /** The next segment of the capture. */
  add(segment: TcpSegment): void {
    const from = endpoint(segment.src, segment.srcPort);
    const to = endpoint(segment.dst, segment.dstPort);
    const key = from < to ? `${from} ${to}` : `${to} ${from}`;
    let flow = this.flows.get(key);
    // A SYN for a flow already followed, not its retransmission: the ports were reused.
    if (flow && segment.syn && !segment.ack && flow.client === from && flow.streams["c>s"].synSeq !== segment.seq) {
      this.end(key, flow, "a new connection on the same addresses and ports follows in the capture");
      flow = undefined;
    }
    if (!flow) {
      // Packets of a connection already over (a late retransmission, the last ACK): nothing to follow.
      if (segment.rst || (segment.payload.length === 0 && !segment.syn)) return;
      if (this.flows.size >= MAX_FLOWS) {
        this.skipped++;
        return;
      }
      // The client is who sent the SYN; without one in the capture, who sent first.
      const client = segment.syn && segment.ack ? to : from;
      const [host, port] = client === from ? [segment.src, segment.srcPort] : [segment.dst, segment.dstPort];
      const traced = new TracedConnection(this.nextConn++, `${host}:${port}`, this.makeTap, this.report);
      flow = { client, traced, streams: { "c>s": this.stream("c>s", traced), "s>c": this.stream("s>c", traced) } };
      this.flows.set(key, flow);
    }
    if (segment.rst) {
      this.end(key, flow, `reset by the ${from === flow.client ? "client" : "server"}`);
      return;
    }
    flow.streams[from === flow.client ? "c>s" : "s>c"].add(segment);
    if (flow.streams["c>s"].ended && flow.streams["s>c"].ended) this.end(key, flow);
  }

  private stream(dir: Direction, traced: TracedConnection): Stream {
    return new Stream(dir, traced, this.report, this.budget);
  }

  /** Says the capture ended: connections still open are closed. */
  finish(): void {
    for (const [key, flow] of this.flows) this.end(key, flow, "the capture ends before the connection does");
  }

  private end(key: string, flow: Flow, reason?: string): void {
    flow.streams["c>s"].finish();
    flow.streams["s>c"].finish();
    flow.traced.close(reason);
    this.flows.delete(key);
  }
}

function endpoint(host: string, port: number): string {
  return `${host}|${port}`;
}
