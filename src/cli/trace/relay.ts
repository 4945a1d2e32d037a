/**
 * The tracer's relay: accepts connections on one endpoint, opens one to the
 * target for each, and copies octets both ways untouched, with back-pressure,
 * while a tap decodes each direction.
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
    forward(client, upstream, options.makeTap(conn, "c>s", options.report));
    forward(upstream, client, options.makeTap(conn, "s>c", options.report));
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
