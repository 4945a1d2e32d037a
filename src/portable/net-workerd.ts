/**
 * `node:net` for the Workers bundle: tcp:// dials go through `connect()`
 * of `cloudflare:sockets`, so that `new RpcClient("tcp://host:port")`
 * works in a Worker with or without `nodejs_compat`. Listening is
 * refused: a Worker cannot accept TCP connections.
 */
import { connect as workerConnect } from "cloudflare:sockets";
import { WebStreamDuplex } from "../zmtp/transport/stream-connect.js";

export { Socket, createServer, isIP } from "./host-only.js";

/** A node:net-shaped dial over `cloudflare:sockets`. */
export function connect(options: { host: string; port: number }): WebStreamDuplex & { unref(): WebStreamDuplex } {
  const stream = new WebStreamDuplex(workerConnect, { hostname: options.host, port: options.port });
  // Nothing to unref in a Worker: its requests, not its sockets, keep it alive.
  return Object.assign(stream, { unref: () => stream });
}
