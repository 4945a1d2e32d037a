/**
 * `npm run fuzz -- --only attacks-rpc`: every RPC and Lua RPC attack at full
 * scale, each in a child process of its own; prints the figures (peak RSS
 * above the baseline, heap, time, longest event-loop stall, whether a good
 * client was served) and fails when an attack passed its bound, its memory
 * ceiling, left the good client unserved or raised an uncaught exception.
 */
import type { FuzzTarget } from "../lib/target.js";
import { LUA_ATTACKS } from "./lua-attacks.js";
import { RPC_ATTACKS } from "./rpc-attacks.js";
import { describeFigures, held, runInChild } from "./rpc-measure.js";

async function runAttacks(): Promise<boolean> {
  let ok = true;
  const all = [
    ...Object.keys(RPC_ATTACKS).map((name) => ["rpc", name] as const),
    ...Object.keys(LUA_ATTACKS).map((name) => ["lua", name] as const),
  ];
  for (const [family, name] of all) {
    const f = await runInChild(family, name, "full");
    if ("failed" in f) {
      ok = false;
      console.error(`FAIL attacks-rpc: ${family}:${name}: ${f.failed}`);
      continue;
    }
    const good = held(f);
    ok &&= good;
    (good ? console.log : console.error)(`${good ? "ok  " : "FAIL"} attacks-rpc: ${describeFigures(f)}`);
  }
  return ok;
}

/** The RPC and Lua RPC attacks, as a fuzz target. */
export const rpcAttacksTarget: FuzzTarget = { name: "attacks-rpc", properties: [], run: runAttacks };
