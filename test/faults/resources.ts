/**
 * Counting what a process holds open, for the fault tests and the live
 * fuzzer: handles by kind and a bounded poll for the cases where no event
 * says that a remote close has been processed.
 */

/** Open handles by kind (`process.getActiveResourcesInfo()`), timers aside: test runners keep their own. */
export function openHandles(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) if (r !== "Timeout" && r !== "Immediate") m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

/** The kinds of which `now` holds more than `base`, as `kind before -> after`. */
export function handleExcess(now: Map<string, number>, base: Map<string, number>): string[] {
  return [...now].filter(([k, n]) => n > (base.get(k) ?? 0)).map(([k, n]) => `${k} ${base.get(k) ?? 0} -> ${n}`);
}

/** Polls `check` every 10 ms until it holds or `ms` pass; returns whether it held. */
export async function pollUntil(ms: number, check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
