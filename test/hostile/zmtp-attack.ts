/**
 * Runs one attack of `fuzz/attacks/zmtp-attacks.ts` at its small size as a
 * test: the server process survives, a good client is served afterwards,
 * the memory it still holds after a GC (attacking connections still open)
 * stays under the attack's ceiling, and the bound that stopped the attack
 * said so in an event.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { attackNamed, runAttack, type AttackResult } from "../../fuzz/attacks/zmtp-attacks.js";

/** Registers the test of the attack named `name`; `extra` checks the result further. */
export function attackTest(name: string, extra?: (note: string, events: Record<string, number>, result: AttackResult) => void): void {
  const attack = attackNamed(name);
  test(`${name}: ${attack.summary}`, async () => {
    const r = await runAttack(attack, "small");
    const detail = JSON.stringify(r);
    assert.ok(r.survived, `the server process died: ${detail}`);
    assert.ok(r.served, `a good client was not served after the attack: ${detail}`);
    const ceiling = attack.ceilingMb(attack.sizes.small);
    assert.ok(r.heldAfterGcMb - r.baselineHeldMb <= ceiling, `the server still holds ${(r.heldAfterGcMb - r.baselineHeldMb).toFixed(1)} MB more than before, over the ceiling of ${ceiling.toFixed(1)} MB: ${detail}`);
    if (attack.expectEvent) assert.ok((r.events[attack.expectEvent] ?? 0) > 0, `no "${attack.expectEvent}" event: ${detail}`);
    extra?.(r.note, r.events, r);
  });
}
