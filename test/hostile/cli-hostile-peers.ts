/**
 * Hostile peers of the `purezmq` command, shared by the tests in
 * `test/hostile/cli-*.test.ts` (at a small scale that proves a bound) and
 * the full-scale attacks in `fuzz/attacks/cli.ts`: a tracer started
 * between a client and a server, the traffic of the attacks, a counting
 * sink, servers that answer with garbage or with too much, and the peak
 * memory of a child process.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { Router } from "../../src/index.js";
import {
  FLAG_COMMAND, FLAG_MORE, encodeFrame, encodeGreeting, encodeReady,
} from "../../src/zmtp/wire/index.js";
import { CLI, CliProcess } from "../cli/cli-process.js";

/** A tracer relaying to `to`, with the endpoint it listens on. */
export interface Tracer {
  proc: CliProcess;
  port: number;
}

/** Starts `purezmq trace --json` towards `to` (from the build at `cli`). */
export async function startTracer(to: string, extra: readonly string[] = [], cli = CLI): Promise<Tracer> {
  const proc = new CliProcess(["trace", "--listen", "tcp://127.0.0.1:0", "--to", to, "--json", ...extra], cli);
  const [, port] = await proc.waitForMatch(/listening on tcp:\/\/127\.0\.0\.1:(\d+), relaying to/, "stderr");
  return { proc, port: Number(port) };
}

/** The JSON events a tracer printed so far (a line that is not JSON fails the test). */
export function traceEvents(t: Tracer): Array<Record<string, unknown>> {
  return t.proc.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Peak resident memory of a running process in octets (Linux: VmHWM), or undefined where unknown. */
export function peakRss(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A ZMTP NULL peer's opening: greeting and READY of `type`. */
export function zmtpOpening(type = "DEALER"): Buffer {
  return Buffer.concat([encodeGreeting("NULL", false), encodeFrame(encodeReady([["Socket-Type", type]]), FLAG_COMMAND)]);
}

/** One message of `parts` empty MORE frames and a last empty frame: 2 octets a part. */
export function emptyParts(parts: number): Buffer {
  const buf = Buffer.alloc(2 * (parts + 1));
  for (let i = 0; i < parts; i++) buf[2 * i] = FLAG_MORE;
  return buf;
}

/** A msgpack request `[method, x]` where `x` is `depth` nested one-element arrays around nil. */
export function nestedRequest(method: string, depth: number): Buffer {
  const name = Buffer.from(method, "utf8");
  if (name.length > 31) throw new RangeError("a short method name");
  return Buffer.concat([Buffer.from([0x92, 0xa0 | name.length]), name, Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]);
}

/** What a counting sink received on one connection. */
export interface Received {
  octets: number;
  sha256: string;
}

/** A TCP server that reads everything and, when a connection ends, records what it got. */
export class CountingSink {
  readonly server: net.Server;
  readonly received: Received[] = [];
  readonly #waiters: Array<() => void> = [];

  constructor() {
    this.server = net.createServer((s) => {
      const hash = createHash("sha256");
      let octets = 0;
      s.on("data", (d: Buffer) => {
        hash.update(d);
        octets += d.length;
      });
      s.on("error", () => undefined);
      s.on("end", () => {
        this.received.push({ octets, sha256: hash.digest("hex") });
        s.end();
        for (const w of this.#waiters.splice(0)) w();
      });
    });
  }

  /** Listens on loopback; resolves with the tcp:// endpoint. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `tcp://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /**
   * Resolves once a connection that received exactly the octets hashed
   * `sha256` has ended; resolves with undefined after `ms`. (A client that
   * sees its connection close does not prove that the relay's other side
   * has ended yet.)
   */
  async arrived(sha256: string, ms = 20_000): Promise<Received | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find((r) => r.sha256 === sha256);
      if (found || Date.now() >= deadline) return found;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.server.close();
  }
}

/** The sha256 of what was sent, to compare with {@link Received}. */
export function sha256(...parts: Buffer[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/**
 * Connects to the tracer, writes `data` in pieces (waiting for the socket to
 * take each), half-closes and resolves once the other side has closed.
 */
export function sendThrough(port: number, data: Buffer, piece = 64 * 1024): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    s.on("error", reject);
    s.on("data", () => undefined);
    s.on("close", () => resolve());
    s.on("connect", async () => {
      for (let at = 0; at < data.length; at += piece) {
        if (!s.write(data.subarray(at, at + piece))) await new Promise((r) => s.once("drain", r));
      }
      s.end();
    });
  });
}

/**
 * A ROUTER that answers every request on the correlated envelope with
 * `reply(request)`'s frames: garbage, a huge value, escape sequences.
 */
export async function answeringRouter(reply: (request: Buffer[]) => Buffer[]): Promise<{ endpoint: string; close(): void }> {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:0");
  void (async () => {
    for await (const [id, ...rest] of router) {
      const cut = rest.findIndex((f) => f.length === 0) + 1;
      await router.send([id!, ...rest.slice(0, cut), ...reply(rest.slice(cut))]);
    }
  })().catch(() => undefined);
  return { endpoint: router.lastEndpoint!, close: () => router.close() };
}
