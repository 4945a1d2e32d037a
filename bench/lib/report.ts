/** Results of a run: per-case medians and ratios, the stdout table, the JSON file. */
import type { BenchCase, Metrics, Target } from "./case.js";
import { fmtInt, fmtNum, median } from "./stats.js";

export type Side = "purezmq" | "native" | "net";
export const SIDES: readonly Side[] = ["purezmq", "native", "net"];

export interface SideResult {
  label: string;
  rounds: Array<Metrics | { error: string }>;
  /** Median of each figure over the successful rounds. */
  median: Metrics | undefined;
  /** (max - min) / median of the headline over the successful rounds: how noisy the rounds were. */
  spread?: number;
}

export interface CaseResult {
  id: string;
  title: string;
  unit: string;
  metric: string;
  higherIsBetter: boolean;
  status: "ok" | "partial" | "failed" | "skipped";
  reason?: string;
  note?: string;
  sides: Partial<Record<Side, SideResult>>;
  /** purezmq / native, headline medians. */
  ratio?: number;
  /** purezmq / node:net, headline medians. */
  ofLimit?: number;
  target?: Target;
  /** Which targets the medians meet. */
  meets?: { ratio?: boolean; ofLimit?: boolean; absolute?: boolean };
  wallSeconds: number;
  /** 1-minute load average when the case started and ended (other work on the machine). */
  load?: [number, number];
  noNative?: boolean;
  extras?: BenchCase["extras"];
}

function isMetrics(r: Metrics | { error: string }): r is Metrics {
  return !("error" in r);
}

/** Medians, ratios and target checks of a case whose rounds are done. */
export function summarise(c: BenchCase, rounds: Map<Side, Array<Metrics | { error: string }>>, wallSeconds: number): CaseResult {
  const sides: Partial<Record<Side, SideResult>> = {};
  let failures = 0;
  let successes = 0;
  for (const v of c.variants) {
    const rs = rounds.get(v.side);
    if (!rs) continue;
    const good = rs.filter(isMetrics);
    failures += rs.length - good.length;
    successes += good.length;
    let med: Metrics | undefined;
    if (good.length > 0) {
      med = {};
      for (const k of Object.keys(good[0]!)) med[k] = median(good.map((g) => g[k] ?? NaN));
    }
    const heads = good.map((g) => g[c.metric] ?? NaN);
    const spread = med && heads.length > 1 ? (Math.max(...heads) - Math.min(...heads)) / (med[c.metric] ?? NaN) : undefined;
    sides[v.side] = { label: v.label, rounds: rs, median: med, spread };
  }
  const head = (s: Side): number | undefined => sides[s]?.median?.[c.metric];
  const pz = head("purezmq");
  const nat = head("native");
  const net = head("net");
  const ratio = pz !== undefined && nat !== undefined ? pz / nat : undefined;
  const ofLimit = pz !== undefined && net !== undefined ? pz / net : undefined;
  let meets: CaseResult["meets"];
  if (c.target && pz !== undefined) {
    meets = {};
    const adv = ratio === undefined ? undefined : c.higherIsBetter ? ratio : 1 / ratio;
    if (c.target.ratio !== undefined && adv !== undefined) meets.ratio = adv >= c.target.ratio;
    if (c.target.ofLimit !== undefined && ofLimit !== undefined) meets.ofLimit = ofLimit >= c.target.ofLimit;
    if (c.target.absolute !== undefined) meets.absolute = pz >= c.target.absolute;
  }
  const firstError = [...rounds.values()].flat().find((r): r is { error: string } => !isMetrics(r));
  return {
    ...caseFields(c),
    status: successes === 0 ? "failed" : failures > 0 ? "partial" : "ok",
    reason: firstError?.error,
    sides,
    ratio,
    ofLimit,
    meets,
    wallSeconds,
    noNative: c.noNative,
    extras: c.extras,
  };
}

export function skipped(c: BenchCase, reason: string): CaseResult {
  return { ...caseFields(c), status: "skipped", reason, sides: {}, wallSeconds: 0 };
}

/** What a result repeats of its case, run or skipped. */
function caseFields(c: BenchCase): Pick<CaseResult, "id" | "title" | "unit" | "metric" | "higherIsBetter" | "note" | "target"> {
  return { id: c.id, title: c.title, unit: c.unit, metric: c.metric, higherIsBetter: c.higherIsBetter, note: c.note, target: c.target };
}

function fmtHead(v: number | undefined, unit: string): string {
  if (v === undefined || !Number.isFinite(v)) return "-";
  return unit.includes("MB") ? fmtNum(v, 1) : fmtInt(v);
}

function targetText(t: Target | undefined, higherIsBetter: boolean): string {
  if (!t) return "";
  const parts: string[] = [];
  if (t.ratio !== undefined) parts.push(`>=${t.ratio}x native${higherIsBetter ? "" : " (lower)"}`);
  if (t.ofLimit !== undefined) parts.push(`>=${Math.round(t.ofLimit * 100)}% net`);
  if (t.absolute !== undefined) parts.push(`>=${fmtInt(t.absolute)}`);
  return parts.join(", ");
}

function verdict(r: CaseResult): string {
  if (!r.meets) return "";
  const v = Object.values(r.meets);
  if (v.length === 0) return "";
  return v.every(Boolean) ? "met" : "NOT met";
}

function pad(s: string, n: number, right = false): string {
  if (s.length >= n) return s;
  return right ? s.padStart(n) : s.padEnd(n);
}

/** One point of a scale family: the case run with `n` (clients, subscribers, ...). */
export interface ScalePoint {
  n: number;
  result: CaseResult;
}

/** Cases that are one setting of a scale, `<base>-<n>`: the curves of the report and of scale.svg. */
export interface ScaleFamily {
  base: string;
  /** The first point's title with its n written as "n". */
  title: string;
  unit: string;
  metric: string;
  higherIsBetter: boolean;
  /** By n, ascending. */
  points: ScalePoint[];
}

const SCALE_ID = /^(.+)-(\d+)$/;

/**
 * Groups results whose ids are `<base>-<n>` (n a positive integer) by base,
 * in the order the bases first appear. A base that also has a case with a
 * named setting in the same run (rpc-seq beside rpc-100) is a set of
 * variants, not a scale, and is left out.
 */
export function scaleFamilies(results: readonly CaseResult[]): ScaleFamily[] {
  const byBase = new Map<string, ScalePoint[]>();
  const named = new Set<string>();
  for (const r of results) {
    const m = SCALE_ID.exec(r.id);
    const n = m ? Number(m[2]) : NaN;
    if (!m || !Number.isSafeInteger(n) || n <= 0) {
      const dash = r.id.lastIndexOf("-");
      if (dash > 0) named.add(r.id.slice(0, dash));
      continue;
    }
    const list = byBase.get(m[1]!) ?? [];
    list.push({ n, result: r });
    byBase.set(m[1]!, list);
  }
  const families: ScaleFamily[] = [];
  for (const [base, points] of byBase) {
    if (named.has(base)) continue;
    points.sort((a, b) => a.n - b.n);
    const first = points[0]!.result;
    families.push({ base, title: genericTitle(first.title, points[0]!.n), unit: first.unit, metric: first.metric, higherIsBetter: first.higherIsBetter, points });
  }
  return families;
}

/** `title` with the point's own n (as written in it, with or without thousands separators) replaced by "n". */
function genericTitle(title: string, n: number): string {
  for (const written of [n.toLocaleString("en-US"), String(n)]) {
    const re = new RegExp(`(^|[^0-9,.])${written.replace(/[,.]/g, "\\$&")}(?![0-9])`);
    if (re.test(title)) return title.replace(re, "$1n");
  }
  return title;
}

/** The headline median of one side of a result, when that side has one. */
export function headOf(r: CaseResult, side: Side): number | undefined {
  const v = r.sides[side]?.median?.[r.metric];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** Each scale family as a small table (n, purezmq, native, node:net where run, ratio); "" when there is none. */
export function scaleTables(results: readonly CaseResult[]): string {
  const blocks: string[] = [];
  for (const f of scaleFamilies(results)) {
    const withNet = f.points.some((p) => headOf(p.result, "net") !== undefined);
    const cols = ["n", "purezmq", "native", ...(withNet ? ["node:net"] : []), "pz/native"];
    const lines = [`${f.title} (${f.unit}${f.higherIsBetter ? "" : ", lower is better"})`, cols.map((c) => pad(c, 14, true)).join("")];
    for (const p of f.points) {
      const r = p.result;
      const cell = (s: Side): string => (r.status === "skipped" ? "skipped" : s === "native" && r.noNative ? "n/a" : fmtHead(headOf(r, s), r.unit));
      const row = [fmtInt(p.n), cell("purezmq"), cell("native"), ...(withNet ? [cell("net")] : []), r.ratio === undefined ? "-" : `${fmtNum(r.ratio, 2)}x`];
      lines.push(row.map((c) => pad(c, 14, true)).join(""));
    }
    blocks.push(lines.join("\n"));
  }
  return blocks.join("\n\n");
}

/** The results table, as printed on stdout, then each scale family's table. */
export function table(results: readonly CaseResult[]): string {
  const W = { title: 50, unit: 26, num: 12, ratio: 10, lim: 8 };
  const lines: string[] = [];
  const header =
    pad("case", W.title) + pad("unit", W.unit) + pad("purezmq", W.num, true) + pad("native", W.num, true) +
    pad("node:net", W.num, true) + pad("pz/native", W.ratio, true) + pad("pz/net", W.lim, true) + "  target";
  lines.push(header, "-".repeat(header.length + 30));
  for (const r of results) {
    if (r.status === "skipped" || r.status === "failed") {
      lines.push(pad(r.title, W.title) + `${r.status === "skipped" ? "" : "FAILED: "}${r.reason ?? ""}`);
      continue;
    }
    const h = (s: Side): number | undefined => r.sides[s]?.median?.[r.metric];
    const failedSide = (s: Side): string => (r.sides[s] && !r.sides[s]!.median ? "failed" : "-");
    const cell = (s: Side): string => {
      const v = h(s);
      return v === undefined ? failedSide(s) : fmtHead(v, r.unit);
    };
    const nativeCell = r.noNative ? "n/a" : cell("native");
    const t = targetText(r.target, r.higherIsBetter);
    lines.push(
      pad(r.title, W.title) + pad(r.unit, W.unit) + pad(cell("purezmq"), W.num, true) + pad(nativeCell, W.num, true) +
        pad(cell("net"), W.num, true) + pad(r.ratio === undefined ? "-" : `${fmtNum(r.ratio, 2)}x`, W.ratio, true) +
        pad(r.ofLimit === undefined ? "-" : `${Math.round(r.ofLimit * 100)}%`, W.lim, true) +
        (t ? `  ${t}: ${verdict(r)}` : ""),
    );
    for (const e of r.extras ?? []) {
      const ex = (s: Side): string => {
        const v = r.sides[s]?.median?.[e.key];
        if (v === undefined) return "-";
        const x = v * (e.scale ?? 1);
        return e.digits === undefined ? fmtInt(x) : fmtNum(x, e.digits);
      };
      lines.push(pad(`    ${e.label}`, W.title + W.unit) + pad(ex("purezmq"), W.num, true) + pad(r.noNative ? "n/a" : ex("native"), W.num, true) + pad(ex("net"), W.num, true));
    }
    const noisy = SIDES.filter((s) => (r.sides[s]?.spread ?? 0) > 0.3).map((s) => `${s} ${Math.round(100 * r.sides[s]!.spread!)}%`);
    if (noisy.length > 0) lines.push(`    noisy: rounds differ by ${noisy.join(", ")} of the median`);
    if (r.status === "partial") lines.push(`    some rounds failed: ${r.reason ?? ""}`);
  }
  const scales = scaleTables(results);
  return lines.join("\n") + (scales ? `\n\nscale curves:\n\n${scales}` : "");
}
