/**
 * The attacked process: runs one rig (see `zmtp-rigs.ts`) and answers its
 * parent over the IPC channel: `setup` (rig name and options) replies with
 * the endpoints, `action` runs a named rig action, `check` asks the good
 * client to be served and replies with what memory did meanwhile, `close`
 * ends. Memory is sampled every 20 ms, so a peak between two requests is
 * seen, and, less often, after a full collection: what the process really
 * holds (see `sampleLive`); an uncaught exception or unhandled rejection is reported and ends
 * the process, as it would end a server.
 */
import { RIGS, type Rig } from "./zmtp-rigs.js";
import { collector } from "../lib/gc.js";

/** A request from the parent. */
export type ChildRequest =
  | { kind: "setup"; rig: string; options: Record<string, unknown> }
  | { kind: "action"; name: string }
  | { kind: "check"; round: number }
  | { kind: "close" };

/** Memory in MB: now (after a GC) and the peak since setup. */
export interface MemoryFigures {
  rss: number;
  heap: number;
  /** heapUsed + external: what the process holds in JavaScript objects, buffers and external strings. */
  held: number;
  peakRss: number;
  peakHeap: number;
  peakHeld: number;
  /** The peak of heapUsed + external measured right after a full collection: memory the process could not have freed. */
  peakLive: number;
}

/** A reply to the parent. */
export type ChildReply =
  | { kind: "ready"; endpoints: Record<string, string>; baseline: MemoryFigures }
  | { kind: "done" }
  | { kind: "checked"; ok: boolean; why?: string; memory: MemoryFigures; events: Record<string, number>; errors: string[] }
  | { kind: "failed"; why: string };

const MB = 1024 * 1024;

const gc = collector();
const peak = { rss: 0, heap: 0, held: 0, live: 0 };

function sample(): void {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heap = Math.max(peak.heap, m.heapUsed);
  peak.held = Math.max(peak.held, m.heapUsed + m.external);
}

/**
 * The live sample: a full collection, then heap + external. A raw sample
 * also counts garbage V8 has not collected yet, and how much of that it lets
 * pile up is its own schedule (external memory is collected only once tens
 * of MB of it are dead): a bare node:net server that does nothing but accept
 * and drop the identity-churn attacker's connections peaks 20 MB above its
 * baseline in raw samples. What a peer can make the process hold is what is
 * still there after a collection, so the ceilings apply to this. The cadence
 * adapts so that collecting a big heap never takes more than a tenth of the
 * time.
 */
function sampleLive(): void {
  const started = performance.now();
  // The second collection first finishes sweeping the first one's dead
  // array buffers (V8 frees their backing stores in the background), which
  // `external` would otherwise still count.
  gc();
  gc();
  const m = process.memoryUsage();
  peak.live = Math.max(peak.live, m.heapUsed + m.external);
  setTimeout(sampleLive, Math.max(100, 10 * (performance.now() - started))).unref();
}

/**
 * Memory after a full GC. Twice, a moment apart: V8 frees the backing
 * stores of dead buffers on a background sweeper, so `arrayBuffers` drops
 * only after the first collection has been swept. `external` counts them
 * and the large strings kept outside the heap (long topic labels).
 */
async function figures(): Promise<MemoryFigures> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const m = process.memoryUsage();
  // This is a live sample too: an attack shorter than the live cadence is still measured.
  peak.live = Math.max(peak.live, m.heapUsed + m.external);
  const r = (n: number): number => Math.round((n / MB) * 10) / 10;
  return { rss: r(m.rss), heap: r(m.heapUsed), held: r(m.heapUsed + m.external), peakRss: r(peak.rss), peakHeap: r(peak.heap), peakHeld: r(peak.held), peakLive: r(peak.live) };
}

const fatal: string[] = [];
let rig: Rig | undefined;

function send(reply: ChildReply): void {
  process.send!(reply);
}

async function handle(req: ChildRequest): Promise<void> {
  try {
    switch (req.kind) {
      case "setup": {
        rig = await RIGS[req.rig]!(req.options);
        await rig.check(0);
        const baseline = await figures();
        Object.assign(peak, { rss: 0, heap: 0, held: 0, live: baseline.held * MB });
        sample();
        send({ kind: "ready", endpoints: rig.endpoints, baseline });
        return;
      }
      case "action":
        await rig!.actions[req.name]!();
        send({ kind: "done" });
        return;
      case "check": {
        let ok = true;
        let why: string | undefined;
        try {
          await rig!.check(req.round);
        } catch (e) {
          ok = false;
          why = (e as Error).message;
        }
        const { events, errors } = rig!.report();
        const all = [...errors, ...fatal];
        send({ kind: "checked", ok: ok && all.length === 0, ...(why ? { why } : {}), memory: await figures(), events, errors: all });
        return;
      }
      case "close":
        await rig?.close();
        send({ kind: "done" });
        process.exit(0);
    }
  } catch (e) {
    send({ kind: "failed", why: (e as Error).stack ?? String(e) });
  }
}

setInterval(sample, 20);
sampleLive();
// As in a server without handlers: the process ends, after telling why.
process.on("uncaughtException", (e) => {
  process.send!({ kind: "failed", why: `uncaught exception: ${e.stack ?? e.message}` } satisfies ChildReply, () => process.exit(70));
});
process.on("unhandledRejection", (e) => void fatal.push(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
process.on("message", (req: ChildRequest) => void handle(req));
process.on("disconnect", () => process.exit(0));
