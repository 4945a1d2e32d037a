/**
 * Decodes one direction of a ZMTP connection for the tracer, with the wire
 * layer's readers of greetings and commands. It only reads: the relay has
 * forwarded the octets before they get here. What it keeps is bounded (see
 * `limits.ts`); a malformed command or message is a violation of that
 * frame alone (bad flags included: the size after them still delimits
 * the frame), and decoding goes on at the next frame. Only a broken
 * greeting or a frame size no stream can hold, past which frames cannot be
 * found, ends the decoding of the direction.
 */
import { Buffer } from "node:buffer";
import { luaovermq } from "../../rpc/codec/index.js";
import {
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FLAG_RESERVED, GreetingReader, ZmtpProtocolError, decodeCommand, decodeError,
  decodePing, decodePlainCommand, decodeProperties, isLibzmqError, statusOfReason, type Command,
} from "../../zmtp/wire/index.js";
import { CurveMessageCounter, curveCommandDetail } from "./curve-detail.js";
import { PREVIEW, summarise, type Direction, type FrameSummary, type TraceEvent } from "./events.js";
import { FrameScanner, type FrameFormat, type ScannedFrame } from "./frame-scanner.js";
import type { ConnectionKeys } from "./keylog.js";
import { COMMAND_DECODE_OCTETS, MESSAGE_DECODE_OCTETS, SHOWN_PARTS } from "./limits.js";

/** ZMTP framing (RFC 23 "Framing"); the header is the flags octet. */
const zmtpFraming: FrameFormat<number> = {
  headerSize: (flags) => ((flags & FLAG_LONG) !== 0 ? 9 : 2),
  // Bad flags do not hide the size that follows them: such a frame is a
  // violation of its own (see `flagsViolation`), and the next one is found.
  // Only a size no stream can hold loses the frame boundaries.
  readHeader(h) {
    const flags = h[0]!;
    if ((flags & FLAG_LONG) === 0) return { header: flags, size: h[1]! };
    const hi = h.readUInt32BE(1);
    // Past 2^53 the size is not even a safe number.
    if (hi >= 0x200000) throw new ZmtpProtocolError(`frame of ${h.readBigUInt64BE(1)} octets is larger than any buffer`, "EMSGSIZE");
    return { header: flags, size: hi * 0x100000000 + h.readUInt32BE(5) };
  },
};

/** What is wrong with a frame's flags octet, if anything (RFC 23 "Framing"). */
function flagsViolation(flags: number): string | undefined {
  if ((flags & FLAG_RESERVED) !== 0) return `invalid frame flags 0x${flags.toString(16).padStart(2, "0")}: reserved bits set`;
  if ((flags & (FLAG_COMMAND | FLAG_MORE)) === (FLAG_COMMAND | FLAG_MORE)) return "invalid frame flags: a command frame cannot have MORE set";
  return undefined;
}

/** What a ZAP status code (RFC 27) carried as an ERROR reason means. */
const ZAP_MEANING: Record<number, string> = {
  300: "temporary failure, the client may retry",
  400: "credentials refused",
  500: "the server's authenticator failed",
};

/**
 * The detail of an ERROR command: its reason and, when the reason is a ZAP
 * status code (as libzmq and purezmq send when a handshake is refused), the
 * refusal it stands for. `libzmqForm` marks the garbled name libzmq 4.3
 * writes (see `plain-mechanism.ts`), which is not RFC 23's form.
 */
function errorDetail(data: Buffer, libzmqForm: boolean): Record<string, unknown> {
  const reason = decodeError(data);
  const status = statusOfReason(reason);
  return {
    reason,
    ...(status !== undefined ? { refused: `ZAP status ${status} (${ZAP_MEANING[status]})` } : {}),
    ...(libzmqForm ? { form: "libzmq 4.3 (name written 5E 'RROR', not 05 'ERROR')" } : {}),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The ZMTP decoder of one direction of one relayed connection. */
export class ZmtpTap {
  private readonly greeting = new GreetingReader();
  private readonly scanner = new FrameScanner(zmtpFraming, (flags, size) => this.keepOf(flags, size), (f) => this.onFrame(f));
  private greeted = false;
  private stopped = false;
  private mechanism = "NULL";
  /** The current message: bodies kept for RPC recognition while it can still be decoded. */
  private parts: Buffer[] = [];
  private partsOctets = 0;
  private decodable = true;
  private frames: FrameSummary[] = [];
  private omittedParts = 0;
  private omittedOctets = 0;
  /** CURVE: the MESSAGE commands seen, which carry every frame after READY. */
  private readonly sealed = new CurveMessageCounter();
  /** Set while the frame being handled came out of a MESSAGE opened with the keylog. */
  private decrypting = false;
  /** The keylog's note on why MESSAGEs stay closed is shown once per direction. */
  private keylogNoted = false;

  constructor(
    private readonly conn: number,
    private readonly dir: Direction,
    private readonly report: (event: TraceEvent) => void,
    /** CURVE keys from a keylog (`--keylog`), shared with the other direction's tap: MESSAGEs are then opened. */
    private readonly keys?: ConnectionKeys,
  ) {}

  /** Decodes the next octets of this direction. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
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
      this.scanner.push(chunk);
    } catch (err) {
      // Only the greeting and frame headers throw here: frames are no longer found.
      this.stopped = true;
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: errorText(err), stopped: true });
    }
  }

  private keepOf(flags: number, size: number): number {
    if ((flags & FLAG_COMMAND) !== 0) return COMMAND_DECODE_OCTETS;
    // A CURVE frame is a sealed MESSAGE: only its name and nonce can be
    // read, unless a keylog opens it (then all of it, within the bound).
    if (this.mechanism === "CURVE") return this.keys && size <= MESSAGE_DECODE_OCTETS ? size : PREVIEW;
    if (this.frames.length >= SHOWN_PARTS) return 0;
    if (this.decodable && this.partsOctets + size <= MESSAGE_DECODE_OCTETS) return size;
    return PREVIEW;
  }

  private onFrame({ header: flags, size, kept }: ScannedFrame<number>): void {
    const badFlags = flagsViolation(flags);
    if (badFlags) {
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: badFlags });
      return;
    }
    if ((flags & FLAG_COMMAND) !== 0) {
      this.onCommand(kept, size);
      return;
    }
    if (this.mechanism === "CURVE" && CurveMessageCounter.isMessage(kept)) {
      const detail = this.sealed.addFrame(kept, size);
      if (this.keys && this.openSealed(kept, size, detail)) return;
      this.report({ type: "command", conn: this.conn, dir: this.dir, name: "MESSAGE", detail });
      return;
    }
    this.onMessagePart(kept, size, flags);
  }

  /**
   * Shows the frame a MESSAGE seals, opened with the keylog's key; false
   * when it cannot be opened, with a note in `detail` the first time.
   */
  private openSealed(body: Buffer, size: number, detail: Record<string, unknown>): boolean {
    const opened = body.length === size ? this.keys!.open(this.dir, body) : { note: "too large to open here" };
    if ("note" in opened) {
      if (!this.keylogNoted) detail.keylog = opened.note;
      this.keylogNoted = true;
      return false;
    }
    this.decrypting = true;
    try {
      if ((opened.flags & FLAG_COMMAND) !== 0) this.onCommand(opened.frame, opened.frame.length);
      else this.onMessagePart(opened.frame, opened.frame.length, opened.flags);
    } finally {
      this.decrypting = false;
    }
    return true;
  }

  private onMessagePart(kept: Buffer, size: number, flags: number): void {
    const names = [flags & FLAG_MORE && "MORE", flags & FLAG_LONG && "LONG"].filter(Boolean) as string[];
    if (this.frames.length < SHOWN_PARTS) {
      this.frames.push(summarise(kept, names, size));
    } else {
      this.omittedParts++;
      this.omittedOctets += size;
    }
    if (this.decodable && kept.length === size && this.partsOctets + size <= MESSAGE_DECODE_OCTETS && this.omittedParts === 0) {
      this.parts.push(kept);
      this.partsOctets += size;
    } else if (this.decodable) {
      this.decodable = false;
      this.parts = [];
    }
    if ((flags & FLAG_MORE) !== 0) return;
    const decoded = this.decodable ? decodeRpc(this.parts) : undefined;
    this.report({
      type: "message", conn: this.conn, dir: this.dir, frames: this.frames,
      ...(this.omittedParts > 0 ? { omitted: { parts: this.omittedParts, octets: this.omittedOctets } } : {}),
      ...(decoded ? { decoded } : {}),
      ...(this.decrypting ? { decrypted: true as const } : {}),
    });
    this.parts = [];
    this.partsOctets = 0;
    this.decodable = true;
    this.frames = [];
    this.omittedParts = 0;
    this.omittedOctets = 0;
  }

  private onCommand(kept: Buffer, size: number): void {
    let cmd: Command;
    let detail: Record<string, unknown>;
    try {
      // libzmq's PLAIN and CURVE ERROR may have a garbled name: read it as the sockets do.
      const libzmqForm = this.mechanism !== "NULL" && isLibzmqError(kept);
      cmd = libzmqForm ? decodePlainCommand(kept) : decodeCommand(kept);
      if (kept.length < size) detail = { size: size - (kept.length - cmd.data.length), decoded: false };
      else detail = cmd.name === "ERROR" ? errorDetail(cmd.data, libzmqForm) : this.commandDetail(cmd.name, cmd.data);
    } catch (err) {
      this.report({ type: "violation", conn: this.conn, dir: this.dir, error: errorText(err) });
      return;
    }
    if (this.decrypting) detail.decrypted = true;
    this.report({ type: "command", conn: this.conn, dir: this.dir, name: cmd.name, detail });
  }

  private commandDetail(name: string, data: Buffer): Record<string, unknown> {
    if (name === "MESSAGE" && this.mechanism === "CURVE" && data.length >= 8) return this.sealed.add(data, data.length);
    if (name === "HELLO" && this.mechanism === "CURVE") this.keys?.sawHello(data);
    const curve = this.mechanism === "CURVE" && !this.decrypting ? curveCommandDetail(name, data) : undefined;
    if (curve) return curve;
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
