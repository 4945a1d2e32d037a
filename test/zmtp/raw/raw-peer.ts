/**
 * A scripted ZMTP peer over a plain net.Socket, for raw-socket tests: it
 * writes exactly the octets a test chooses and parses what comes back with
 * its own minimal reader (independent of the decoder under test).
 */
import * as net from "node:net";
import { once } from "node:events";
import type { EventType, Socket } from "../../../src/index.js";
import { withDeadline } from "../../support/deadline.js";
import { nextEvent as sharedNextEvent, type AnyEvent } from "../../support/sockets.js";

/** A frame as read off the wire. */
export interface RawFrame {
  flags: number;
  body: Buffer;
}

/** Fields of a greeting to send. */
export interface GreetingFields {
  major?: number;
  minor?: number;
  mechanism?: string;
  asServer?: number;
  /** Octets 1-8; libzmq's `00..01` when absent. */
  padding?: Buffer;
}

/** Builds a 64-octet greeting. */
export function greetingBytes(f: GreetingFields = {}): Buffer {
  const b = Buffer.alloc(64);
  b[0] = 0xff;
  if (f.padding) f.padding.copy(b, 1, 0, 8);
  else b[8] = 1;
  b[9] = 0x7f;
  b[10] = f.major ?? 3;
  b[11] = f.minor ?? 1;
  b.write(f.mechanism ?? "NULL", 12, 20, "latin1");
  b[32] = f.asServer ?? 0;
  return b;
}

/** One frame in the short form (body <= 255) or, if `long` or larger, the long form. */
export function frame(body: Buffer | string, flags = 0, long = false): Buffer {
  const b = Buffer.from(body);
  if (!long && b.length <= 255) return Buffer.concat([Buffer.from([flags, b.length]), b]);
  const h = Buffer.alloc(9);
  h[0] = flags | 0x02;
  h.writeBigUInt64BE(BigInt(b.length), 1);
  return Buffer.concat([h, b]);
}

/** A command frame: `name-length name data`. */
export function command(name: string, data: Buffer = Buffer.alloc(0), long = false): Buffer {
  const body = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, "latin1"), data]);
  return frame(body, 0x04, long);
}

/** Metadata properties as READY carries them, names in the exact case given. */
export function properties(props: ReadonlyArray<readonly [string, Buffer | string]>): Buffer {
  return Buffer.concat(
    props.flatMap(([name, value]) => {
      const v = Buffer.from(value);
      const h = Buffer.alloc(1 + name.length + 4);
      h[0] = name.length;
      h.write(name, 1, "latin1");
      h.writeUInt32BE(v.length, 1 + name.length);
      return [h, v];
    }),
  );
}

/** A READY command frame with the given properties. */
export function ready(props: ReadonlyArray<readonly [string, Buffer | string]>): Buffer {
  return command("READY", properties(props));
}

/** A whole message: MORE on every frame but the last. */
export function message(parts: ReadonlyArray<Buffer | string>): Buffer {
  return Buffer.concat(parts.map((p, i) => frame(p, i < parts.length - 1 ? 0x01 : 0)));
}

/** A PING command body's data: TTL (deciseconds) and context. */
export function pingData(ttl: number, context: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(ttl, 0);
  return Buffer.concat([b, context]);
}

export { withDeadline as within } from "../../support/deadline.js";

/** The next event of `type` on a socket; callers put their own deadline on it. */
export function nextEvent(socket: Socket, type: EventType): Promise<AnyEvent> {
  return sharedNextEvent(socket, type, 0);
}

/** Splits `tcp://host:port`. */
function hostPort(endpoint: string): { host: string; port: number } {
  const m = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`not a tcp endpoint: ${endpoint}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}

/** A scripted peer on one connection. */
export class RawPeer {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private ended = false;
  /** Resolves when the connection is closed (by either side). */
  readonly closed: Promise<void>;

  constructor(readonly sock: net.Socket) {
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.notify();
    });
    sock.on("error", () => {
      /* a reset by the peer shows as close */
    });
    this.closed = new Promise((resolve) =>
      sock.once("close", () => {
        this.ended = true;
        this.notify();
        resolve();
      }),
    );
  }

  /** Connects to a bound purezmq socket. */
  static async connect(endpoint: string): Promise<RawPeer> {
    const sock = net.connect(hostPort(endpoint));
    await once(sock, "connect");
    sock.setNoDelay(true);
    return new RawPeer(sock);
  }

  /** Octets received and not read yet. */
  get pending(): number {
    return this.buf.length;
  }

  /** True once the connection is closed. */
  get isClosed(): boolean {
    return this.ended;
  }

  /** Writes octets as one chunk. */
  write(...parts: Buffer[]): void {
    this.sock.write(Buffer.concat(parts));
  }

  /** Writes each octet in its own write, waiting for each to leave before the next. */
  async writeBytewise(data: Buffer): Promise<void> {
    for (const b of data) {
      await new Promise<void>((resolve, reject) => this.sock.write(Buffer.from([b]), (err) => (err ? reject(err) : resolve())));
    }
  }

  /** Reads exactly `n` octets; fails if the connection closes first. */
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) {
      if (this.ended) throw new Error(`connection closed with ${this.buf.length} of ${n} octets read`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Reads one frame. */
  async readFrame(): Promise<RawFrame> {
    const flags = (await this.read(1))[0]!;
    const size = (flags & 0x02) !== 0 ? Number((await this.read(8)).readBigUInt64BE(0)) : (await this.read(1))[0]!;
    return { flags, body: Buffer.from(await this.read(size)) };
  }

  /** Reads one frame that must be a command; returns its name and data. */
  async readCommand(): Promise<{ name: string; data: Buffer }> {
    const f = await this.readFrame();
    if ((f.flags & 0x04) === 0) throw new Error(`expected a command, got a message frame (flags ${f.flags})`);
    const n = f.body[0]!;
    return { name: f.body.toString("latin1", 1, 1 + n), data: f.body.subarray(1 + n) };
  }

  /** Reads one whole message (message frames until one without MORE). */
  async readMessage(): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    for (;;) {
      const f = await this.readFrame();
      if ((f.flags & 0x04) !== 0) throw new Error("expected a message frame, got a command");
      parts.push(f.body);
      if ((f.flags & 0x01) === 0) return parts;
    }
  }

  /**
   * The NULL handshake as `socketType`: sends a greeting and READY, reads the
   * socket's greeting and READY, and returns the READY properties (names in
   * the case sent).
   */
  async handshake(
    socketType: string,
    extra: ReadonlyArray<readonly [string, Buffer | string]> = [],
    greeting: GreetingFields = {},
  ): Promise<Map<string, Buffer>> {
    this.write(greetingBytes(greeting), ready([["Socket-Type", socketType], ...extra]));
    await this.read(64);
    const cmd = await this.readCommand();
    if (cmd.name !== "READY") throw new Error(`expected READY, got ${cmd.name}`);
    return parseProperties(cmd.data);
  }

  /** Resolves once closed; rejects if still open after `ms`. */
  waitClosed(ms = 3000): Promise<void> {
    return withDeadline(this.closed, ms, "the connection to close");
  }

  /** Closes our side. */
  destroy(): void {
    this.sock.destroy();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** Parses READY properties, keeping the names' case. */
export function parseProperties(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let p = 0;
  while (p < data.length) {
    const n = data[p]!;
    const name = data.toString("latin1", p + 1, p + 1 + n);
    const len = data.readUInt32BE(p + 1 + n);
    out.set(name, data.subarray(p + 5 + n, p + 5 + n + len));
    p += 5 + n + len;
  }
  return out;
}

/** A plain TCP listener that a purezmq socket connects to. */
export class RawListener {
  private readonly server = net.createServer();
  private readonly waiting: RawPeer[] = [];
  private wake: (() => void) | undefined;
  private readonly peers: RawPeer[] = [];

  /** Starts listening on an ephemeral port of 127.0.0.1. */
  static async listen(): Promise<RawListener> {
    const l = new RawListener();
    l.server.on("connection", (sock) => {
      sock.setNoDelay(true);
      const peer = new RawPeer(sock);
      l.peers.push(peer);
      l.waiting.push(peer);
      const w = l.wake;
      l.wake = undefined;
      w?.();
    });
    l.server.listen(0, "127.0.0.1");
    await once(l.server, "listening");
    return l;
  }

  /** The endpoint to connect() to. */
  get endpoint(): string {
    const a = this.server.address() as net.AddressInfo;
    return `tcp://127.0.0.1:${a.port}`;
  }

  /** The next accepted connection. */
  async accept(): Promise<RawPeer> {
    while (this.waiting.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.waiting.shift()!;
  }

  /** Stops listening and drops every accepted connection. */
  close(): void {
    for (const p of this.peers) p.destroy();
    this.server.close();
  }
}
