/** The options `call` and `serve` share: the RPC protocol and PLAIN credentials. */
import type { RpcProtocol } from "../rpc/index.js";
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
