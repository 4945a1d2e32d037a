/** The options `call` and `serve` share: the RPC protocol, PLAIN credentials and CURVE keys. */
import type { CurveOptions, RpcProtocol } from "../rpc/index.js";
import { UsageError, type CommandContext, type OptionSpec } from "./args.js";

/** The protocols `--protocol` takes, the default first. */
export const PROTOCOLS: readonly RpcProtocol[] = ["luaovermq", "manley", "zerorpc"];

/** The `--protocol` option. */
export const PROTOCOL_OPTION: OptionSpec = {
  type: "string",
  value: "name",
  help: "RPC protocol: luaovermq (msgpack), manley (Manley's zerorpc, JSON) or zerorpc (dotcloud zerorpc); default luaovermq",
};

/** Where `--json` used to choose the protocol, the command line says what it is now. */
export const PROTOCOL_HINTS: Readonly<Record<string, string>> = {
  json: "--json no longer chooses the protocol: use --protocol manley",
};

/** The value of `--protocol`. */
export function protocolOption(ctx: CommandContext): RpcProtocol {
  const v = ctx.options.protocol;
  if (v === undefined) return PROTOCOLS[0]!;
  const found = PROTOCOLS.find((p) => p === v);
  if (!found) throw new UsageError(`--protocol takes ${PROTOCOLS.join(" or ")}, not "${String(v)}"`);
  return found;
}

/** The protocols other than `current`, for a hint after a mismatch. */
export function otherProtocols(current: RpcProtocol): string {
  return PROTOCOLS.filter((p) => p !== current).map((p) => `--protocol ${p}`).join(" or ");
}

/** Splits `--plain user:pass` (the password may contain colons). */
export function plainOption(ctx: CommandContext): { username: string; password: string } | undefined {
  const v = ctx.options.plain;
  if (v === undefined) return undefined;
  const colon = typeof v === "string" ? v.indexOf(":") : -1;
  if (typeof v !== "string" || colon <= 0) throw new UsageError("--plain takes user:password");
  return { username: v.slice(0, colon), password: v.slice(colon + 1) };
}

/** The `--plain` option. */
export const PLAIN_OPTION: OptionSpec = { type: "string", value: "user:pass", help: "ZMTP PLAIN credentials (the password may contain colons)" };

/** The CURVE options of `call` (a client). */
export const CURVE_CLIENT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  "curve-server-key": { type: "string", value: "key", help: "talk CURVE to a server with this public key (Z85, from purezmq keygen)" },
  "curve-public-key": { type: "string", value: "key", help: "with CURVE: this client's public key (default: a new key pair)" },
  "curve-secret-key": { type: "string", value: "key", help: "with CURVE: this client's secret key" },
};

/** The CURVE options of `serve` (a server). */
export const CURVE_SERVER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  "curve-secret-key": { type: "string", value: "key", help: "serve over CURVE with this secret key (Z85, from purezmq keygen)" },
  "curve-allow": { type: "string", value: "keys", help: "with CURVE: the client public keys let in, comma-separated (default: any)" },
};

/** The `curve` setting of an RPC client or server from the command line; undefined without CURVE. */
export function curveOption(ctx: CommandContext, role: "client" | "server"): CurveOptions | undefined {
  // String options always carry their value (the parser refuses one without).
  const text = (name: string): string | undefined => {
    const v = ctx.options[name];
    return typeof v === "string" ? v : undefined;
  };
  if (role === "client") {
    const serverKey = text("curve-server-key");
    const publicKey = text("curve-public-key");
    const secretKey = text("curve-secret-key");
    if (serverKey === undefined) {
      if (publicKey !== undefined || secretKey !== undefined) throw new UsageError("--curve-public-key and --curve-secret-key need --curve-server-key");
      return undefined;
    }
    if ((publicKey === undefined) !== (secretKey === undefined)) throw new UsageError("give both --curve-public-key and --curve-secret-key, or neither");
    return { serverKey, ...(publicKey !== undefined ? { publicKey, secretKey } : {}) };
  }
  const secretKey = text("curve-secret-key");
  const allow = text("curve-allow");
  if (secretKey === undefined) {
    if (allow !== undefined) throw new UsageError("--curve-allow needs --curve-secret-key");
    return undefined;
  }
  return { secretKey, ...(allow !== undefined ? { allow: allow.split(",").map((k) => k.trim()).filter((k) => k !== "") } : {}) };
}
