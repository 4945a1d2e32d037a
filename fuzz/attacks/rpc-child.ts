/**
 * Runs one attack in this process and prints its figures as one JSON line:
 * `node --expose-gc build/fuzz/attacks/rpc-child.js <rpc|lua> <attack> <small|full>`.
 */
import { LUA_ATTACKS } from "./lua-attacks.js";
import { RPC_ATTACKS, SCALES } from "./rpc-attacks.js";
import { measure, type Scale } from "./rpc-measure.js";

const [family, name, scale] = process.argv.slice(2);
const attacks = family === "lua" ? LUA_ATTACKS : family === "rpc" ? RPC_ATTACKS : undefined;
const attack = name === undefined ? undefined : attacks?.[name];
if (attack === undefined || !SCALES.includes(scale as Scale)) {
  console.error(`usage: rpc-child.js <rpc|lua> <attack> <small|full>; rpc: ${Object.keys(RPC_ATTACKS).join(", ")}; lua: ${Object.keys(LUA_ATTACKS).join(", ")}`);
  process.exit(2);
}
const figures = await measure(`${family}:${name}`, scale as Scale, attack);
console.log(JSON.stringify(figures));
// Sockets of a failed attack may still be open: the figures are out, the child is done.
process.exit(0);
