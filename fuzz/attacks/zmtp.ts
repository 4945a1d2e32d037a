/**
 * The `attacks` fuzz target: every ZMTP attack of `zmtp-attacks.ts` at full
 * size, each against a fresh server process, with a table of what it cost:
 * `npm run fuzz -- --only attacks`. Run directly, `node
 * build/fuzz/attacks/zmtp.js [small|full] [attack...]` prints one JSON line
 * per attack (how the figures of another version are taken).
 */
import { pathToFileURL } from "node:url";
import type { FuzzTarget } from "../lib/target.js";
import { ZMTP_ATTACKS, attackNamed, runAttack, type AttackResult } from "./zmtp-attacks.js";

/** One line of the table. */
function row(r: AttackResult): string {
  const fate = !r.survived ? "DIED" : r.served ? "ok" : "NOT SERVED";
  const events = Object.entries(r.events).filter(([k]) => k !== "handshake").map(([k, n]) => `${k} x${n}`).join(", ");
  return `${r.attack.padEnd(26)} ${fate.padEnd(10)} held ${r.baselineHeldMb} -> live peak ${r.peakLiveMb} MB (raw peak ${r.peakHeldMb}, rss peak ${r.peakRssMb}), after gc ${r.heldAfterGcMb} MB, ${r.ms} ms; ${r.note}${events ? `; events: ${events}` : ""}${r.why ? `; why: ${r.why}` : ""}`;
}

/** Runs the attacks at full size; true when the server survived each and served a good client after it. */
async function runAll(): Promise<boolean> {
  let ok = true;
  for (const attack of ZMTP_ATTACKS) {
    const r = await runAttack(attack, "full");
    console.log(`     ${row(r)}`);
    const ceiling = r.baselineHeldMb + attack.ceilingMb(attack.sizes.full);
    if (!r.survived || !r.served || !(r.peakLiveMb <= ceiling)) {
      ok = false;
      console.error(`FAIL attacks: ${attack.name}: ${!r.survived ? "the server died" : !r.served ? "a good client was not served" : `live peak ${r.peakLiveMb} MB over the ceiling of ${ceiling.toFixed(0)} MB`}`);
    }
  }
  if (ok) console.log(`ok   attacks: the server survived ${ZMTP_ATTACKS.length} attacks at full size within their memory ceilings`);
  return ok;
}

/** The full-size attacks target. */
export const attacksTarget: FuzzTarget = { name: "attacks", properties: [], run: () => runAll() };

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [size = "full", ...names] = process.argv.slice(2);
  for (const attack of names.length ? names.map(attackNamed) : ZMTP_ATTACKS) {
    console.log(JSON.stringify(await runAttack(attack, size === "small" ? "small" : "full")));
  }
}
