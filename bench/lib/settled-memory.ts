/**
 * Memory as it stands after full collections. V8 frees the memory of dead
 * ArrayBuffers on a background thread after a collection, so one
 * collection is not enough: collect until the watched figure has stopped
 * falling for three turns (at most 100 turns: it is a measurement, not a
 * wait for an event). Shared by the benchmark's memory roles and the
 * tests' memory children.
 */
export async function settledUsage(collect: () => void, watched: (m: NodeJS.MemoryUsage) => number): Promise<NodeJS.MemoryUsage> {
  let best = Infinity;
  let still = 0;
  for (let i = 0; i < 100 && still < 3; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 5));
    const now = watched(process.memoryUsage());
    if (now < best) {
      best = now;
      still = 0;
    } else {
      still++;
    }
  }
  return process.memoryUsage();
}
