/**
 * Opens the MESSAGE commands of CURVE connections (RFC 26) whose keys a
 * purezmq peer logged (`PUREZMQ_KEYLOGFILE`, see
 * src/zmtp/security/key-log.ts for the line format), for `trace
 * --keylog FILE`. It depends on octets only, not on where they come from:
 * any source of a connection's two directions (the live relay, a capture
 * file) hands each direction's tap the same {@link ConnectionKeys}.
 *
 * A connection is named by its client's short-term key C', read from its
 * HELLO; its session key is looked up in the file once, at its first
 * MESSAGE, re-reading what was appended since (a live peer writes its
 * line before its first message goes out). What is read is bounded: the file's first
 * {@link KEYLOG_READ_LIMIT} octets, {@link KEYLOG_ENTRIES} keys.
 */
import { Buffer } from "node:buffer";
import { closeSync, openSync, readSync, fstatSync } from "node:fs";
import { CurveFrameCipher, PeerNonce, SendNonce } from "../../zmtp/wire/curve-cipher.js";
import { KEY_SIZE, decodeCurveHello } from "../../zmtp/wire/index.js";
import { KEYLOG_LABEL } from "../../zmtp/security/key-log.js";
import type { Direction } from "./events.js";

/** Octets of the key log read at most (a line is 147 octets: some 100,000 connections). */
export const KEYLOG_READ_LIMIT = 16 * 1024 * 1024;
/** Keys held at most. */
export const KEYLOG_ENTRIES = 100_000;

const LINE = new RegExp(`^${KEYLOG_LABEL} ([0-9a-fA-F]{64}) ([0-9a-fA-F]{64})$`);

/** The keys of a key log file, read as it grows. */
export class KeyLog {
  private readonly keys = new Map<string, Buffer>();
  private readOctets = 0;
  private partial = "";
  /** Why the file could not be read, when it could not (said once per connection that needs it). */
  problem: string | undefined;

  /** @param file - the path given to `--keylog`. */
  constructor(private readonly file: string) {
    this.refresh();
  }

  /** The session key logged for the connection of client short-term key `clientShortKey`. */
  lookup(clientShortKey: Buffer): Buffer | undefined {
    const hex = clientShortKey.toString("hex");
    if (!this.keys.has(hex)) this.refresh();
    return this.keys.get(hex);
  }

  /** Connections one of whose two taps has its keys object and the other not yet. */
  private readonly halves = new Map<number, ConnectionKeys>();

  /**
   * The keys object of a tap of connection `conn`: the two taps of a
   * connection (asked for one after the other) get the same object.
   */
  forTap(conn: number): ConnectionKeys {
    const half = this.halves.get(conn);
    if (half) {
      this.halves.delete(conn);
      return half;
    }
    const keys = new ConnectionKeys(this);
    this.halves.set(conn, keys);
    return keys;
  }

  /** Reads what was appended to the file since the last read, up to the limits. */
  private refresh(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.file, "r");
      this.problem = undefined;
      const size = Math.min(fstatSync(fd).size, KEYLOG_READ_LIMIT);
      if (size <= this.readOctets) return;
      const buf = Buffer.alloc(size - this.readOctets);
      const got = readSync(fd, buf, 0, buf.length, this.readOctets);
      this.readOctets += got;
      const lines = (this.partial + buf.toString("latin1", 0, got)).split("\n");
      this.partial = lines.pop()!.slice(0, 256);
      for (const line of lines) {
        const m = LINE.exec(line.trim());
        if (m && this.keys.size < KEYLOG_ENTRIES) this.keys.set(m[1]!.toLowerCase(), Buffer.from(m[2]!, "hex"));
      }
    } catch (err) {
      this.problem = `cannot read the keylog: ${(err as Error)?.message ?? String(err)}`;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}

/** What opening one MESSAGE gave: the frame inside, or why not. */
export type Opened =
  | { frame: Buffer; flags: number }
  | { note: string };

/** The CURVE keys of one connection, shared by the taps of its two directions. */
export class ConnectionKeys {
  private clientShortKey: Buffer | undefined;
  private readonly ciphers = new Map<Direction, CurveFrameCipher>();
  private missing: string | undefined;

  constructor(private readonly log: KeyLog) {}

  /** The client's HELLO went by: its data names the connection (C'). */
  sawHello(data: Buffer): void {
    try {
      this.clientShortKey = Buffer.from(decodeCurveHello(data).clientKey);
    } catch {
      /* a malformed HELLO is the tap's violation to report; no key for it */
    }
  }

  /**
   * Opens a MESSAGE command's body (`07 MESSAGE nonce box`) sent in
   * direction `dir`: the frame it seals, or a note saying why not. A box
   * that does not open, or a replayed nonce, is a note too: the key or the
   * traffic is not what the log says.
   */
  open(dir: Direction, body: Buffer): Opened {
    const cipher = this.cipher(dir);
    if (!cipher) return { note: this.missing! };
    try {
      const frame = Buffer.from(cipher.open(body));
      return { frame, flags: cipher.flags };
    } catch (err) {
      return { note: `the logged key does not open this MESSAGE (${(err as Error).message}): a wrong or stale keylog line?` };
    }
  }

  private cipher(dir: Direction): CurveFrameCipher | undefined {
    const had = this.ciphers.get(dir);
    if (had) return had;
    // Looked up once: a peer logs before its first MESSAGE goes out, so a
    // key missing then stays missing (and a busy connection costs no file
    // read per frame).
    if (this.missing !== undefined) return undefined;
    if (!this.clientShortKey) {
      this.missing = "no HELLO seen on this connection: its key cannot be looked up";
      return undefined;
    }
    const key = this.log.lookup(this.clientShortKey);
    if (!key || key.length !== KEY_SIZE) {
      this.missing = this.log.problem ?? `no key in the keylog for this connection (client short-term key ${this.clientShortKey.toString("hex").slice(0, 16)}…)`;
      return undefined;
    }
    // What the client sends is opened as its server would, and the other way round.
    const cipher = new CurveFrameCipher(key, dir === "c>s", new SendNonce(), new PeerNonce());
    this.ciphers.set(dir, cipher);
    return cipher;
  }
}
