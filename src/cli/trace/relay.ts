/**
 * The tracer's relay: accepts connections on one endpoint, opens one to the
 * target for each, and copies octets both ways untouched, with back-pressure,
 * while a tap decodes each direction. Octets are forwarded before the tap
 * sees them, and a tap that fails is cut off alone: relaying never depends
 * on decoding.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import { parseEndpoint } from "../../zmtp/transport/endpoint.js";
import type { Direction, TraceEvent } from "./events.js";

/** A decoder of one direction. */
export interface Tap {
  /** Octets seen in this direction, after they were forwarded. */
  push(chunk: Buffer): void;
}

/** What to relay and how to decode it. */
export interface RelayOptions {
  /** Endpoint to accept connections on (tcp:// or ipc://). */
  listen: string;
  /** Endpoint each accepted connection is relayed to. */
  to: string;
  /** Makes the decoder of one direction of one connection. */
  makeTap: (conn: number, dir: Direction, report: (e: TraceEvent) => void) => Tap;
  /** Receives every event. */
  report: (event: TraceEvent) => void;
}

function netTarget(endpoint: string, forBind: boolean): net.ListenOptions & net.NetConnectOpts {
  const ep = parseEndpoint(endpoint, forBind);
  if (ep.transport === "tcp") return { host: ep.host, port: ep.port };
  if (ep.transport === "ipc") return { path: ep.path };
  throw new Error(`the tracer relays tcp:// and ipc:// endpoints, not ${endpoint}`);
}

/** Starts relaying; resolves with the server once listening. */
export function startRelay(options: RelayOptions): Promise<net.Server> {
  // Checked before listening, so that a bad --to is a failure at start and
  // not an exception on the first connection.
  const target = netTarget(options.to, false);
  let nextConn = 1;
  const server = net.createServer((client) => {
    const conn = nextConn++;
    const upstream = net.connect(target);
    options.report({ type: "open", conn, peer: `${client.remoteAddress ?? "local"}:${client.remotePort ?? ""}` });
    let reason: string | undefined;
    let open = 2;
    const closed = (): void => {
      if (--open > 0) return;
      options.report(reason ? { type: "close", conn, reason } : { type: "close", conn });
    };
    const fail = (side: string) => (e: Error): void => {
      reason ??= `${side}: ${e.message}`;
      client.destroy();
      upstream.destroy();
    };
    forward(client, upstream, guarded(options.makeTap(conn, "c>s", options.report), conn, "c>s", options.report));
    forward(upstream, client, guarded(options.makeTap(conn, "s>c", options.report), conn, "s>c", options.report));
    client.on("error", fail("client"));
    upstream.on("error", fail("server"));
    // end(), not destroy(): what one side sent just before closing still
    // reaches the other.
    client.on("close", () => {
      upstream.end();
      closed();
    });
    upstream.on("close", () => {
      client.end();
      closed();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(netTarget(options.listen, true), () => {
      server.off("error", reject);
      resolve(server);
    });
  });
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

function forward(from: net.Socket, to: net.Socket, tap: Tap): void {
  from.on("data", (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
    tap.push(chunk);
  });
  from.on("end", () => to.end());
}
