/** What a benchmark case is made of, for the runner. */

/** Figures of one round of one variant, by name (the case says which is the headline). */
export type Metrics = Record<string, number>;

/** One side of a case: purezmq, native zeromq, or the raw node:net limit. */
export interface Variant {
  /** Column: "purezmq", "native" or "net". */
  side: "purezmq" | "native" | "net";
  /** What exactly runs (shown in the JSON and the notes). */
  label: string;
  /** Runs one round and returns its figures. */
  round(): Promise<Metrics>;
}

/** A figure shown under the headline (median over rounds). */
export interface ExtraMetric {
  key: string;
  label: string;
  /** Multiplier applied before printing (e.g. 1e-6 for MB). */
  scale?: number;
  digits?: number;
}

/** Targets the project has set for a case. */
export interface Target {
  /** purezmq / native at least this (for lower-is-better metrics: native / purezmq). */
  ratio?: number;
  /** purezmq / raw node:net at least this. */
  ofLimit?: number;
  /** purezmq headline at least this. */
  absolute?: number;
}

/** A benchmark case. */
export interface BenchCase {
  id: string;
  title: string;
  /** Key of the headline metric in every variant's Metrics. */
  metric: string;
  /** Unit of the headline (shown in the table). */
  unit: string;
  higherIsBetter: boolean;
  variants: Variant[];
  extras?: ExtraMetric[];
  target?: Target;
  /** Said under the table (how it was measured, caveats). */
  note?: string;
  /** When set, the case is not run and this is reported instead (e.g. "not built yet"). */
  skip?: string;
  /** purezmq only: no native equivalent exists, no ratio. */
  noNative?: boolean;
  /**
   * One message in flight at a time (round trips): the keep-awake spinner
   * runs during the case (see the runner), since the figure otherwise
   * measures how fast an idle CPU wakes up.
   */
  latencyBound?: boolean;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The port of a `tcp://host:port` endpoint. */
export function portOf(endpoint: string): number {
  const m = /:(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`no port in ${endpoint}`);
  return Number(m[1]);
}
