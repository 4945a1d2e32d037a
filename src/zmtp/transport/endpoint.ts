/**
 * Endpoint strings, as libzmq reads them: `tcp://host:port`,
 * `ipc:///path`, `inproc://name`.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZmqError } from "../errors.js";

export type Endpoint =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string }
  | { transport: "inproc"; name: string };

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
      return { transport, host, port };
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
