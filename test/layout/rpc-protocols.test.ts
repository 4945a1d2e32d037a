/**
 * The RPC layout of DESIGN.md: one folder per wire protocol under
 * `src/rpc/`, and a core that knows none of them. Only the protocol table
 * (`protocols.ts`) and the public surface (`index.ts`, `codec/index.ts`)
 * may name a protocol folder; a protocol folder may use the core but not
 * another protocol.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { importsOf, sourceFiles } from "./imports.js";

const RPC = fileURLToPath(new URL("../../../src/rpc/", import.meta.url));
const PROTOCOLS = ["luaovermq", "manley", "pyzmqrpc3", "zerorpc"];
/** The files allowed to list protocols: the table and the public exports. */
const SURFACE = ["index.ts", "protocols.ts", join("codec", "index.ts")];

/** The protocol folder a path inside `src/rpc/` belongs to, or undefined for the core. */
export function protocolOf(rpcRelative: string): string | undefined {
  const top = rpcRelative.split(sep)[0]!;
  return PROTOCOLS.includes(top) ? top : undefined;
}

/** "file -> import" for each import that crosses from the core or another protocol into a protocol folder. */
export function crossings(files: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [file, imports] of files) {
    const from = relative(RPC, file);
    if (SURFACE.includes(from)) continue;
    for (const target of imports) {
      const to = relative(RPC, target);
      if (to.startsWith("..")) continue;
      const owner = protocolOf(to);
      if (owner !== undefined && owner !== protocolOf(from)) found.push(`${from} -> ${to}`);
    }
  }
  return found;
}

test("the crossing finder sees core->protocol and protocol->protocol imports only", () => {
  const f = (p: string) => join(RPC, p);
  const graph = new Map([
    [f("request-service.ts"), [f("luaovermq/codec.ts"), f("work-limit.ts")]],
    [f("manley/server.ts"), [f("luaovermq/server.ts"), f("manley/codec.ts"), f("invoke.ts"), join(RPC, "../exposure.ts")]],
    [f("protocols.ts"), [f("zerorpc/protocol.ts")]],
  ]);
  assert.deepEqual(crossings(graph), [`request-service.ts -> ${join("luaovermq", "codec.ts")}`, `${join("manley", "server.ts")} -> ${join("luaovermq", "server.ts")}`]);
});

test("the RPC core imports no protocol folder, and no protocol imports another", () => {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(RPC)) graph.set(file, importsOf(file, readFileSync(file, "utf8")));
  for (const p of PROTOCOLS.slice(0, 3)) assert.ok([...graph.keys()].some((f) => protocolOf(relative(RPC, f)) === p), `src/rpc/${p}/ exists`);
  assert.deepEqual(crossings(graph), []);
});
