/**
 * The wire protocols {@link RpcServer} and {@link RpcClient} speak, by the
 * name given as their `protocol` option. Adding a protocol is adding its
 * folder and one line here.
 *
 * @module
 */
import { luaOverMqProtocol } from "./luaovermq/protocol.js";
import { manleyProtocol } from "./manley/protocol.js";
import type { WireProtocol } from "./protocol.js";
import { zeroRpcProtocol } from "./zerorpc/protocol.js";

const PROTOCOLS = {
  luaovermq: luaOverMqProtocol,
  manley: manleyProtocol,
  zerorpc: zeroRpcProtocol,
} as const satisfies Record<string, WireProtocol>;

/** Wire protocols an {@link RpcServer} / {@link RpcClient} can speak. */
export type RpcProtocol = keyof typeof PROTOCOLS;

/** The protocol of that name; TypeError for an unknown one. */
export function wireProtocol(name: RpcProtocol): WireProtocol {
  const protocol = Object.hasOwn(PROTOCOLS, name) ? PROTOCOLS[name] : undefined;
  if (protocol === undefined) throw new TypeError(`unknown RPC protocol "${String(name)}"`);
  return protocol;
}
