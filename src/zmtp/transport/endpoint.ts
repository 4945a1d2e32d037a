/**
 * Endpoint strings, as libzmq reads them: `tcp://host:port`,
 * `ipc:///path`, `inproc://name`, ZeroMQ over WebSocket (RFC 45):
 * `ws://host:port/path`, `wss://host:port/path` (connect only), and for
 * RADIO/DISH `udp://[interface;]host:port`.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZmqError } from "../errors.js";

export type Endpoint =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string }
  | { transport: "inproc"; name: string }
  | { transport: "ws"; secure: boolean; host: string; port: number; path: string }
  | UdpEndpoint;

/**
 * A udp:// endpoint. `iface` is what comes before a `;`: for a DISH
 * binding a multicast group, the interface (address or name) to join it
 * on; for a RADIO, the local address to send from.
 */
export interface UdpEndpoint {
  transport: "udp";
  host: string;
  port: number;
  iface: string | undefined;
}

/**
 * Parses an endpoint. For bind, `*` as host means every IPv4 interface and
 * `*` or `0` as port asks the system for a free port; for ipc, `*` makes a
 * fresh path in the temporary directory.
 */
export function parseEndpoint(address: string, forBind: boolean): Endpoint {
  const sep = address.indexOf("://");
  if (sep < 0) throw new ZmqError("EINVAL", undefined, address);
  const transport = address.slice(0, sep);
  const rest = address.slice(sep + 3);
  switch (transport) {
    case "tcp":
      return { transport, ...hostPort(rest, forBind, address) };
    case "ws":
    case "wss": {
      // A server over TLS is the job of whatever terminates TLS in front of it.
      if (transport === "wss" && forBind) throw new ZmqError("EPROTONOSUPPORT", "wss:// cannot be bound: bind ws:// behind a TLS terminator", address);
      const slash = rest.indexOf("/");
      const authority = slash < 0 ? rest : rest.slice(0, slash);
      const path = slash < 0 ? "/" : rest.slice(slash);
      const secure = transport === "wss";
      // A client may leave the port to the scheme, as a URL does.
      const withPort = forBind || /:(\d+|\*)$/.test(authority) ? authority : `${authority}:${secure ? 443 : 80}`;
      return { transport: "ws", secure, ...hostPort(withPort, forBind, address), path };
    }
    case "udp": {
      const semi = rest.indexOf(";");
      const iface = semi < 0 ? undefined : rest.slice(0, semi);
      if (iface === "") throw new ZmqError("EINVAL", undefined, address);
      return { transport, ...hostPort(rest.slice(semi + 1), forBind, address), iface };
    }
    case "ipc": {
      if (rest === "") throw new ZmqError("EINVAL", undefined, address);
      const path = rest === "*" && forBind ? join(tmpdir(), `purezmq-${randomBytes(6).toString("hex")}.sock`) : rest;
      return { transport, path };
    }
    case "inproc":
      if (rest === "") throw new ZmqError("EINVAL", undefined, address);
      return { transport, name: rest };
    default:
      throw new ZmqError("EPROTONOSUPPORT", undefined, address);
  }
}

/** The transports an endpoint may name (others: EPROTONOSUPPORT, as in libzmq without them). */
const TRANSPORTS = new Set(["tcp", "ipc", "inproc", "ws", "wss", "udp"]);

/**
 * What libzmq checks of an endpoint given to unbind() or disconnect()
 * before it looks the endpoint up: `transport://address` (EINVAL) with a
 * transport it has (EPROTONOSUPPORT).
 */
export function checkEndpointName(address: string): void {
  const sep = address.indexOf("://");
  if (sep <= 0 || sep + 3 === address.length) throw new ZmqError("EINVAL", undefined, address);
  if (!TRANSPORTS.has(address.slice(0, sep))) throw new ZmqError("EPROTONOSUPPORT", undefined, address);
}

/** `host:port` of a tcp, ws or udp endpoint: `*` as host binds every IPv4 interface, `*` as port asks for a free one. */
function hostPort(text: string, forBind: boolean, address: string): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  if (colon < 0) throw new ZmqError("EINVAL", undefined, address);
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "*") {
    if (!forBind) throw new ZmqError("EINVAL", undefined, address);
    host = "0.0.0.0";
  }
  const port = portText === "*" ? 0 : Number(portText);
  if (host === "" || !Number.isInteger(port) || port < 0 || port > 65535 || portText === "") {
    throw new ZmqError("EINVAL", undefined, address);
  }
  return { host, port };
}

/** Formats a ws endpoint, bracketing IPv6 hosts. */
export function formatWs(ep: { secure: boolean; host: string; port: number; path: string }): string {
  return `${ep.secure ? "wss" : "ws"}://${ep.host.includes(":") ? `[${ep.host}]` : ep.host}:${ep.port}${ep.path}`;
}

/** Formats a tcp endpoint, bracketing IPv6 hosts. */
export function formatTcp(host: string, port: number): string {
  return `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

