/**
 * Endpoint strings, as libzmq reads them: `tcp://host:port`,
 * `ipc:///path`, `inproc://name`, and for RADIO/DISH
 * `udp://[interface;]host:port`.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZmqError } from "../errors.js";

export type Endpoint =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string }
  | { transport: "inproc"; name: string }
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
    case "tcp": {
      return { transport, ...hostAndPort(rest, address, forBind) };
    }
    case "udp": {
      const semi = rest.indexOf(";");
      const iface = semi < 0 ? undefined : rest.slice(0, semi);
      if (iface === "") throw new ZmqError("EINVAL", undefined, address);
      return { transport, ...hostAndPort(rest.slice(semi + 1), address, forBind), iface };
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

/** Formats a tcp endpoint, bracketing IPv6 hosts. */
export function formatTcp(host: string, port: number): string {
  return `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * `host:port` of a tcp:// or udp:// endpoint. For bind, `*` as host means
 * every IPv4 interface and `*` or `0` as port asks the system for a free one.
 */
function hostAndPort(rest: string, address: string, forBind: boolean): { host: string; port: number } {
  const colon = rest.lastIndexOf(":");
  if (colon < 0) throw new ZmqError("EINVAL", undefined, address);
  let host = rest.slice(0, colon);
  const portText = rest.slice(colon + 1);
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
