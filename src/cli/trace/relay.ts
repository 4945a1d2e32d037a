/**
 * The tracer's relay: accepts connections on one endpoint, opens one to the
 * target for each, and copies octets both ways untouched, with back-pressure,
 * while a tap decodes each direction.
 */
import * as net from "node:net";
import { parseEndpoint } from "../../zmtp/transport/endpoint.js";
import type { Direction, TraceEvent } from "./events.js";

/** A decoder of one direction. */
export interface Tap {
  push(chunk: Buffer): void;
}

export interface RelayOptions {
  listen: string;
  to: string;
  makeTap: (conn: number, dir: Direction, report: (e: TraceEvent) => void) => Tap;
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
  let nextConn = 1;
  const server = net.createServer((client) => {
    const conn = nextConn++;
    const upstream = net.connect(netTarget(options.to, false));
    options.report({ type: "open", conn, peer: `${client.remoteAddress ?? "local"}:${client.remotePort ?? ""}` });
    let closed = false;
    const end = (reason?: string): void => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      options.report(reason ? { type: "close", conn, reason } : { type: "close", conn });
    };
    forward(client, upstream, options.makeTap(conn, "c>s", options.report));
    forward(upstream, client, options.makeTap(conn, "s>c", options.report));
    client.on("error", (e) => end(`client: ${e.message}`));
    upstream.on("error", (e) => end(`server: ${e.message}`));
    client.on("close", () => end());
    upstream.on("close", () => end());
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
