/**
 * Helpers of the PLAIN tests: a scripted raw TCP peer that speaks greeting
 * and frames byte by byte, and event waiting with a deadline.
 */
import * as net from "node:net";
import type { EventType, Socket } from "../../../src/index.js";
import type { AnyEvent } from "../../support/sockets.js";
import { withDeadline } from "../../support/deadline.js";

export { withDeadline } from "../../support/deadline.js";
export { nextEvent } from "../../support/sockets.js";

/** Collects every event of a socket, to check what was and was not reported. */
export function recordEvents(socket: Socket): AnyEvent[] {
  const seen: AnyEvent[] = [];
  const types: EventType[] = [
    "accept", "connect", "connect:retry", "disconnect", "handshake", "handshake:error:protocol", "handshake:error:auth",
    "handshake:error:other",
  ];
  for (const t of types) socket.events.on(t, (e) => seen.push(e));
  return seen;
}

/** A ZMTP 3.1 greeting with the given mechanism and as-server flag. */
export function greeting(mechanism: string, asServer: boolean): Buffer {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  g.write(mechanism, 12, "latin1");
  g[32] = asServer ? 1 : 0;
  return g;
}

/** A short command frame around a body. */
export function commandFrame(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** A command body: name length, name, data. */
export function command(name: string, data: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([name.length]), Buffer.from(name, "latin1"), data]);
}

/** A scripted raw peer: writes what the test says, keeps what it receives, tells when the server closed. */
export class RawPeer {
  readonly received: Buffer[] = [];
  readonly closed: Promise<void>;
  private readonly stream: net.Socket;

  private constructor(stream: net.Socket) {
    this.stream = stream;
    stream.on("data", (d: Buffer) => this.received.push(d));
    stream.on("error", () => {
      /* a reset by the server counts as its close */
    });
    this.closed = new Promise((resolve) => stream.once("close", () => resolve()));
  }

  /** Connects to a `tcp://host:port` endpoint. */
  static async connect(endpoint: string): Promise<RawPeer> {
    const url = new URL(endpoint);
    const stream = net.connect({ host: url.hostname, port: Number(url.port) });
    await new Promise<void>((resolve, reject) => {
      stream.once("connect", resolve);
      stream.once("error", reject);
    });
    return new RawPeer(stream);
  }

  write(data: Buffer): void {
    this.stream.write(data);
  }

  /** Everything received so far. */
  bytes(): Buffer {
    return Buffer.concat(this.received);
  }

  /** Waits until what was received satisfies `done` (checked at each chunk). */
  waitBytes(done: (bytes: Buffer) => boolean, what: string, ms = 5000): Promise<Buffer> {
    if (done(this.bytes())) return Promise.resolve(this.bytes());
    return withDeadline(
      new Promise<Buffer>((resolve) => {
        const onData = (): void => {
          if (!done(this.bytes())) return;
          this.stream.off("data", onData);
          resolve(this.bytes());
        };
        this.stream.on("data", onData);
      }),
      ms,
      what,
    );
  }

  /** Waits until the server closes the connection. */
  waitClosed(ms = 5000): Promise<void> {
    return withDeadline(this.closed, ms, "the server to close the connection");
  }

  destroy(): void {
    this.stream.destroy();
  }
}
