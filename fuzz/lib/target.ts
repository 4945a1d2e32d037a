/**
 * What a fuzz target is, and how the runner checks one: each property runs
 * for a number of runs or a time budget from a seed; a failure prints the
 * seed, the replay path, the shrunk counterexample and the command that
 * reproduces it.
 */
import fc from "fast-check";

/** One checked property of a target. */
export interface FuzzProperty {
  title: string;
  property: fc.IRawProperty<any>;
}

/** A named group of properties (`--only name` selects it), or a driver of its own (live servers). */
export interface FuzzTarget {
  name: string;
  properties: FuzzProperty[];
  /** Runs a target that is not a set of properties; true when every check held. */
  run?(budget: FuzzBudget): Promise<boolean>;
}

/** How long each property runs, from which seed. */
export interface FuzzBudget {
  /** Runs per property, when no time budget is given. */
  runs: number;
  /** Milliseconds per property; runs stop at this limit (0: no time limit). */
  millis: number;
  seed: number;
  /** Replay path of a failure, `<property index>/<fast-check path>` (with `--only` naming the target). */
  path?: string;
}

/** Checks every property of `target`; true when all hold. */
export async function checkTarget(target: FuzzTarget, budget: FuzzBudget, argsOf: (seed: number, path?: string) => string): Promise<boolean> {
  if (target.run) return target.run(budget);
  let ok = true;
  const [replayIndex, replayPath] = budget.path === undefined ? [-1, undefined] : [Number(budget.path.split("/")[0]), budget.path.split("/")[1]];
  for (const [index, { title, property }] of target.properties.entries()) {
    if (replayIndex >= 0 && index !== replayIndex) continue;
    const t0 = Date.now();
    const params: fc.Parameters<unknown> = {
      seed: budget.seed,
      numRuns: budget.millis > 0 ? Number.MAX_SAFE_INTEGER : budget.runs,
      ...(budget.millis > 0 ? { interruptAfterTimeLimit: budget.millis, markInterruptAsFailure: false } : {}),
      ...(replayPath !== undefined ? { path: replayPath } : {}),
    };
    const details = await fc.check(property as fc.IAsyncProperty<unknown>, params);
    if (details.failed) {
      ok = false;
      const err = details.errorInstance;
      console.error(`FAIL ${target.name}: ${title}`);
      console.error(`  seed ${details.seed}, path ${details.counterexamplePath ?? "?"}, after ${details.numRuns} runs and ${details.numShrinks} shrinks`);
      console.error(`  counterexample: ${fc.stringify(details.counterexample).slice(0, 4000)}`);
      console.error(`  error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(`  reproduce: npm run fuzz -- ${argsOf(details.seed, details.counterexamplePath === null ? undefined : `${index}/${details.counterexamplePath}`)}`);
    } else {
      console.log(`ok   ${target.name}: ${title} (${details.numRuns} runs, ${Date.now() - t0} ms)`);
    }
  }
  return ok;
}
