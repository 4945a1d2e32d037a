/**
 * Whether anything listens at an endpoint, asked before a command talks to
 * it. A ZeroMQ socket redials a refused endpoint forever, so without this
 * a server that is not running would read as "no answer in time"; a plain
 * TCP (or ipc) connection tells at once.
 */
import net from "node:net";
import { parseEndpoint } from "../zmtp/transport/endpoint.js";
import { CliError, EXIT, unreachable } from "./errors.js";
import { UsageError } from "./args.js";

/** A `host:port` or socket path to dial, from a `tcp://` or `ipc://` endpoint. */
export function dialTarget(endpoint: string): net.NetConnectOpts {
  let ep;
  try {
    ep = parseEndpoint(endpoint, false);
  } catch {
    throw new UsageError(`bad endpoint "${endpoint}": write tcp://host:port or ipc:///path`);
  }
  if (ep.transport === "inproc") throw new UsageError(`inproc:// endpoints live inside one process: use tcp:// or ipc://`);
  if (ep.transport === "udp") throw new UsageError(`udp:// carries no connections to reach: use tcp:// or ipc://`);
  return ep.transport === "tcp" ? { host: ep.host, port: ep.port } : { path: ep.path };
}

/**
 * Resolves once a connection to `target` opens (it is closed again at
 * once). Rejects with a one-line {@link CliError}: nothing listens, unknown
 * host, unreachable, or no connection within `ms` (a listener that never
 * accepts, a network that drops the packets).
 */
export function probe(target: net.NetConnectOpts, where: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CliError(`no connection to ${where} within ${ms} ms: is the address right? raise --timeout for a slow network`, "ETIMEDOUT", EXIT.failed));
    }, ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(unreachable(err, where) ?? new CliError(`cannot connect to ${where}: ${err.message}`, (err as { code?: string }).code, EXIT.failed, { cause: err }));
    });
  });
}

/** {@link probe} for a ZeroMQ endpoint. */
export function probeEndpoint(endpoint: string, ms: number): Promise<void> {
  return probe(dialTarget(endpoint), endpoint, ms);
}

/** Reads `host:port` (or a bare port, on `defaultHost`), as Lua RPC peers are addressed. */
export function parseHostPort(text: string, defaultHost: string): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  let host = colon > 0 ? text.slice(0, colon) : defaultHost;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const portText = colon >= 0 ? text.slice(colon + 1) : text;
  const port = Number(portText);
  if (portText.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`bad host:port "${text}"`);
  return { host, port };
}
