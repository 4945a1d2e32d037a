/**
 * Shared helpers of the interop tests: one way to make a socket of either
 * implementation (purezmq or libzmq through the `zeromq` package, whose API
 * purezmq copies), endpoints that never collide, and event waiting with a
 * deadline so a broken peer fails a test instead of hanging it.
 */
import { randomBytes } from "node:crypto";
import * as dgram from "node:dgram";
import * as zmq from "zeromq";
import * as ours from "../../src/index.js";
import { withDeadline } from "../support/deadline.js";
import { ipcTestPath } from "../support/ipc-path.js";

/** Which library a socket comes from. */
export type Impl = "purezmq" | "libzmq";

/** ZMTP socket type names. */
export type TypeName = "REQ" | "REP" | "DEALER" | "ROUTER" | "PAIR" | "PUB" | "SUB" | "XPUB" | "XSUB" | "PUSH" | "PULL";

/** The class name of each socket type, the same in both libraries. */
export const CLASS_NAME: Record<TypeName, string> = {
  REQ: "Request",
  REP: "Reply",
  DEALER: "Dealer",
  ROUTER: "Router",
  PAIR: "Pair",
  PUB: "Publisher",
  SUB: "Subscriber",
  XPUB: "XPublisher",
  XSUB: "XSubscriber",
  PUSH: "Push",
  PULL: "Pull",
};

/** The part of the socket API both libraries share and the tests use. */
export interface PeerSocket {
  bind(address: string): Promise<void>;
  connect(address: string, options?: { routingId?: string }): void;
  send(message: unknown): Promise<void>;
  receive(): Promise<Buffer[]>;
  close(): void;
  readonly lastEndpoint: string | null;
  readonly events: { on(type: string, listener: (event: { type: string; address?: string }) => void): unknown };
  [option: string]: unknown;
}

/** Transports the net interop tests run over. */
export type NetTransport = "tcp" | "ipc";

/**
 * Makes a socket. `options` go through the constructor (zeromq.js option
 * names, which purezmq shares). libzmq sockets get linger 0 unless told
 * otherwise, so that a failed test never keeps the process alive.
 */
export function makeSocket(impl: Impl, type: TypeName, options: Record<string, unknown> = {}): PeerSocket {
  const name = CLASS_NAME[type];
  const lib = (impl === "purezmq" ? ours : zmq) as unknown as Record<string, new (o: object) => PeerSocket>;
  const Ctor = lib[name];
  if (typeof Ctor !== "function") throw new Error(`${impl} has no ${name} socket class`);
  return new Ctor(impl === "libzmq" ? { linger: 0, ...options } : options);
}

/** A bind address for a transport: an ephemeral tcp port or a fresh ipc path. */
export function bindAddress(transport: NetTransport | "inproc"): string {
  switch (transport) {
    case "tcp":
      return "tcp://127.0.0.1:0";
    case "ipc":
      return `ipc://${ipcPath()}`;
    case "inproc":
      return `inproc://test-${randomBytes(6).toString("hex")}`;
  }
}

/** A random socket path in the temporary directory. */
export function ipcPath(): string {
  return ipcTestPath();
}

/** Binds and returns the address to connect to (the real port for tcp port 0). */
export async function bindResolved(socket: PeerSocket, address: string): Promise<string> {
  await socket.bind(address);
  const ep = socket.lastEndpoint;
  if (!ep) throw new Error(`no lastEndpoint after binding ${address}`);
  return ep;
}

export { withDeadline } from "../support/deadline.js";

/**
 * Resolves at the next event of `type` on the socket. Call it before the
 * action that causes the event.
 */
export function nextEvent(socket: PeerSocket, type: string, ms = 10_000): Promise<{ type: string; address?: string }> {
  return withDeadline(
    new Promise((resolve) => {
      let done = false;
      socket.events.on(type, (event) => {
        if (done) return;
        done = true;
        resolve(event);
      });
    }),
    ms,
    `the "${type}" event`,
  );
}

/** A UDP port of 127.0.0.1 that was free a moment ago: libzmq binds udp:// port 0 without telling the port it got. */
export async function freeUdpPort(): Promise<number> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(resolve));
  return port;
}

/** Closes every socket given, ignoring those already closed. */
export function closeAll(...sockets: (PeerSocket | undefined)[]): void {
  for (const s of sockets) {
    try {
      s?.close();
    } catch {
      /* already closed */
    }
  }
}

/** Octets with a pattern that depends on `seed`, so a shifted or mixed-up frame shows. */
export function patterned(size: number, seed: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return buf;
}

/** Compares messages part by part, with a short description on failure. */
export function sameMessage(actual: Buffer[], expected: Buffer[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) if (!Buffer.from(actual[i]!).equals(expected[i]!)) return false;
  return true;
}

/** A readable summary of a message: part sizes and the first octets of each. */
export function describe(msg: Buffer[]): string {
  return `[${msg.map((p) => `${p.length}:${Buffer.from(p).subarray(0, 8).toString("hex")}`).join(", ")}]`;
}

/**
 * A libzmq PLAIN server (REP, bound on loopback) whose ZAP handler refuses
 * every client with status 400, as libzmq does for wrong credentials; one
 * per process (the ZAP endpoint is the process's). `close` ends both.
 */
export async function refusingPlainServer(): Promise<{ endpoint: string; close(): void }> {
  const zap = new zmq.Reply({ linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  void (async () => {
    for await (const frames of zap) await zap.send(["1.0", frames[1]!, "400", "Denied", "", ""]);
  })();
  const rep = new zmq.Reply({ linger: 0, plainServer: true });
  await rep.bind("tcp://127.0.0.1:0");
  return {
    endpoint: rep.lastEndpoint!,
    close() {
      rep.close();
      zap.close();
    },
  };
}
