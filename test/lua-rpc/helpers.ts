/**
 * Shared helpers of the Lua RPC tests: spec-notation octets, raw sockets
 * that read whole frames, and event waiting.
 */

import * as net from "node:net";
import { once } from "node:events";

/**
 * Octets from the notation of the spec: hex groups separated by spaces and
 * "quoted" strings standing for their UTF-8 octets.
 */
export function spec(text: string): Buffer {
  const parts: Buffer[] = [];
  const re = /"([^"]*)"|([0-9a-fA-F]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) parts.push(Buffer.from(m[1], "utf8"));
    else {
      if (m[2]!.length % 2 !== 0) throw new Error(`odd hex group ${m[2]}`);
      parts.push(Buffer.from(m[2]!, "hex"));
    }
  }
  return Buffer.concat(parts);
}

/** Hex dump with spaces, for readable assertion failures. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex").replace(/(..)/g, "$1 ").trim();
}

/** A raw TCP socket that returns whole frames (header + payload). */
export class RawConn {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  ended = false;

  constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Next complete frame, or null when the socket closed first. */
  async readFrame(): Promise<Buffer | null> {
    for (;;) {
      if (this.buf.length >= 6) {
        const size = this.buf.readUInt32BE(2);
        if (this.buf.length >= 6 + size) {
          const f = this.buf.subarray(0, 6 + size);
          this.buf = this.buf.subarray(6 + size);
          return Buffer.from(f);
        }
      }
      if (this.ended) return null;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Resolves when the remote side closed the connection. */
  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Writes octets, optionally cut at the given offsets into separate writes. */
  async write(b: Buffer, cuts: number[] = []): Promise<void> {
    let prev = 0;
    for (const c of [...cuts, b.length]) {
      if (c <= prev) continue;
      await new Promise<void>((resolve, reject) => this.socket.write(b.subarray(prev, c), (e) => (e ? reject(e) : resolve())));
      prev = c;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Connects a raw socket. */
export async function rawConnect(port: number): Promise<RawConn> {
  const s = net.connect({ host: "127.0.0.1", port });
  await once(s, "connect");
  return new RawConn(s);
}

/** A raw server on port 0 that hands over each connection. */
export async function rawServer(): Promise<{ server: net.Server; port: number; next: () => Promise<RawConn> }> {
  const server = net.createServer();
  const pending: RawConn[] = [];
  const waiting: Array<(c: RawConn) => void> = [];
  server.on("connection", (s) => {
    const c = new RawConn(s);
    const w = waiting.shift();
    if (w) w(c);
    else pending.push(c);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    next: () => {
      const c = pending.shift();
      return c ? Promise.resolve(c) : new Promise<RawConn>((r) => waiting.push(r));
    },
  };
}

/** A promise plus its resolver. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
