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
import { TracedConnection, type TapFactory } from "./connection.js";
import type { TraceEvent } from "./events.js";

export type { Tap, TapFactory } from "./connection.js";

/** What to relay and how to decode it. */
export interface RelayOptions {
  /** Endpoint to accept connections on (tcp:// or ipc://). */
  listen: string;
  /** Endpoint each accepted connection is relayed to. */
  to: string;
  /** Makes the decoder of one direction of one connection. */
  makeTap: TapFactory;
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
    const upstream = net.connect(target);
    const traced = new TracedConnection(nextConn++, `${client.remoteAddress ?? "local"}:${client.remotePort ?? ""}`, options.makeTap, options.report);
    let reason: string | undefined;
    let open = 2;
    const closed = (): void => {
      if (--open === 0) traced.close(reason);
    };
    const fail = (side: string) => (e: Error): void => {
      reason ??= `${side}: ${e.message}`;
      client.destroy();
      upstream.destroy();
    };
    forward(client, upstream, (chunk) => traced.push("c>s", chunk));
    forward(upstream, client, (chunk) => traced.push("s>c", chunk));
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

function forward(from: net.Socket, to: net.Socket, tap: (chunk: Buffer) => void): void {
  from.on("data", (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
    tap(chunk);
  });
  from.on("end", () => to.end());
}
