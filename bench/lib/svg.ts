/**
 * The charts for the README, hand-written SVG, no dependency:
 *
 * - ratiosSvg: one horizontal bar per case, purezmq against native zeromq
 *   on a log scale centred on 1x (parity). Bars to the right mean purezmq
 *   is better (faster, or smaller for memory), to the left worse; a dashed
 *   tick marks the project's target where there is one.
 * - scaleSvg: one small line plot per scale family (cases `<base>-<n>`,
 *   see scaleFamilies): the headline of each side against n, both on log
 *   scales where the figures span a wide range.
 */
import { headOf, scaleFamilies, type CaseResult, type ScaleFamily, type Side } from "./report.js";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface Bar {
  label: string;
  /** > 1: purezmq better. */
  advantage: number;
  target?: number;
}

export function ratiosSvg(results: readonly CaseResult[], subtitle: string): string {
  const bars: Bar[] = [];
  for (const r of results) {
    if (r.ratio === undefined || !Number.isFinite(r.ratio) || r.ratio <= 0) continue;
    const advantage = r.higherIsBetter ? r.ratio : 1 / r.ratio;
    bars.push({ label: r.higherIsBetter ? r.title : `${r.title} (native/purezmq)`, advantage, target: r.target?.ratio });
  }
  const W = 820;
  const left = 330;
  const right = 70;
  const top = 64;
  const row = 30;
  const plotW = W - left - right;
  const H = top + Math.max(1, bars.length) * row + 56;
  const values = bars.flatMap((b) => [b.advantage, b.target ?? 1]);
  // Decades shown: at least 0.1x .. 10x, widened to fit every value.
  const lo = Math.min(-1, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.max(1, Math.ceil(Math.log10(Math.max(...values, 1))));
  const x = (v: number): number => left + ((Math.log10(v) - lo) / (hi - lo)) * plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">purezmq vs native zeromq (libzmq): ratio of medians</text>`,
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(subtitle)}</text>`,
  );
  // Grid: every decade and the 2x/5x marks between.
  for (let d = lo; d <= hi; d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      if (Math.log10(v) > hi + 1e-9) continue;
      const gx = x(v).toFixed(1);
      const major = m === 1;
      out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${top + bars.length * row}" stroke="${major ? "#bbb" : "#e6e6e6"}"/>`);
      if (major || bars.length > 0) {
        const label = v >= 1 ? `${v}x` : `${v.toFixed(Math.max(0, -d))}x`;
        out.push(`<text x="${gx}" y="${top + bars.length * row + 16}" text-anchor="middle" fill="${major ? "#333" : "#999"}" font-size="${major ? 12 : 10}">${label}</text>`);
      }
    }
  }
  const x1 = x(1);
  bars.forEach((b, i) => {
    const y = top + i * row;
    const bx = x(b.advantage);
    const good = b.advantage >= 1;
    const met = b.target === undefined || b.advantage >= b.target;
    const color = good ? (met ? "#2e8b57" : "#8fbc8f") : "#cd5c5c";
    out.push(`<text x="${left - 8}" y="${y + row / 2 + 4}" text-anchor="end">${esc(b.label)}</text>`);
    out.push(`<rect x="${Math.min(x1, bx).toFixed(1)}" y="${y + 6}" width="${Math.max(1, Math.abs(bx - x1)).toFixed(1)}" height="${row - 12}" fill="${color}"/>`);
    const text = `${b.advantage >= 10 ? b.advantage.toFixed(1) : b.advantage.toFixed(2)}x`;
    out.push(`<text x="${(good ? bx + 4 : bx - 4).toFixed(1)}" y="${y + row / 2 + 4}" text-anchor="${good ? "start" : "end"}" font-weight="bold">${text}</text>`);
    if (b.target !== undefined) {
      const tx = x(b.target).toFixed(1);
      out.push(`<line x1="${tx}" y1="${y + 3}" x2="${tx}" y2="${y + row - 3}" stroke="#222" stroke-width="2" stroke-dasharray="3,2"/>`);
    }
  });
  out.push(`<line x1="${x1.toFixed(1)}" y1="${top - 10}" x2="${x1.toFixed(1)}" y2="${top + bars.length * row}" stroke="#000" stroke-width="1.5"/>`);
  if (bars.length === 0) out.push(`<text x="${W / 2}" y="${top + 20}" text-anchor="middle">no case has both a purezmq and a native figure</text>`);
  const fy = top + bars.length * row + 38;
  out.push(
    `<text x="${left}" y="${fy}" fill="#555">right of 1x: purezmq better (faster; for memory, smaller). Dashed tick: project target.</text>`,
    `</svg>`,
  );
  return out.join("\n") + "\n";
}

/** The lines of a scale plot, in drawing order. */
const SERIES: ReadonlyArray<{ side: Side; name: string; color: string; dash?: string }> = [
  { side: "net", name: "node:net", color: "#999999", dash: "5,3" },
  { side: "native", name: "native zeromq (libzmq)", color: "#4169e1" },
  { side: "purezmq", name: "purezmq", color: "#2e8b57" },
];
/** Figures spanning more than this factor get a log y axis. */
const WIDE = 30;
const PANEL_W = 420;
const PANEL_H = 270;
const TITLE_CHARS = 62;

/** A number in a few characters: 950, 12k, 3.4M. */
function compact(v: number): string {
  const a = Math.abs(v);
  for (const [d, s] of [[1e9, "G"], [1e6, "M"], [1e3, "k"]] as const) {
    if (a >= d) return `${+(v / d).toPrecision(a / d >= 100 ? 3 : 2)}${s}`;
  }
  return a >= 1 || a === 0 ? `${+v.toPrecision(3)}` : `${+v.toPrecision(2)}`;
}

/** Maps values onto pixels between `from` and `to` and says where the ticks go. */
interface Axis {
  at(v: number): number;
  ticks: number[];
}

/** A log axis over [lo, hi] (both > 0), padded; a single value sits mid-axis, a decade either side. */
function logAxis(lo: number, hi: number, from: number, to: number, ticksAt?: readonly number[]): Axis {
  let a = Math.log10(lo);
  let b = Math.log10(hi);
  if (b - a < 1e-9) {
    a -= 0.5;
    b += 0.5;
  } else {
    const pad = (b - a) * 0.08;
    a -= pad;
    b += pad;
  }
  const at = (v: number): number => from + ((Math.log10(v) - a) / (b - a)) * (to - from);
  if (ticksAt) return { at, ticks: [...ticksAt] };
  const inside = (v: number): boolean => Math.log10(v) >= a - 1e-9 && Math.log10(v) <= b + 1e-9;
  const decades: number[] = [];
  for (let d = Math.floor(a); d <= Math.ceil(b); d++) if (inside(10 ** d)) decades.push(10 ** d);
  if (decades.length >= 2) return { at, ticks: decades };
  const more: number[] = [];
  for (let d = Math.floor(a); d <= Math.ceil(b); d++) for (const m of [1, 2, 5]) if (inside(m * 10 ** d)) more.push(m * 10 ** d);
  return { at, ticks: more };
}

/** A linear axis from 0 to a round value above `hi`, with 1-2-5 steps. */
function linearAxis(hi: number, from: number, to: number): Axis {
  const top = hi > 0 ? hi * 1.08 : 1;
  const raw = top / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const end = Math.ceil(top / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= end + step / 2; v += step) ticks.push(v);
  return { at: (v: number) => from + (v / end) * (to - from), ticks };
}

/** One family's plot, its top left corner at (x0, y0). */
function panel(f: ScaleFamily, x0: number, y0: number): string[] {
  const out: string[] = [];
  const left = x0 + 64;
  const right = x0 + PANEL_W - 14;
  const top = y0 + 44;
  const bottom = y0 + PANEL_H - 40;
  const title = f.title.length > TITLE_CHARS ? `${f.title.slice(0, TITLE_CHARS - 1)}\u2026` : f.title;
  out.push(
    `<text x="${x0 + PANEL_W / 2}" y="${y0 + 16}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<text x="${x0 + PANEL_W / 2}" y="${y0 + 32}" text-anchor="middle" fill="#555" font-size="11">${esc(f.unit)}${f.higherIsBetter ? "" : " (lower is better)"}</text>`,
  );
  const series = SERIES.map((s) => ({
    ...s,
    points: f.points.flatMap((p) => {
      const v = headOf(p.result, s.side);
      return v === undefined ? [] : [{ n: p.n, v }];
    }),
  })).filter((s) => s.points.length > 0);
  const values = series.flatMap((s) => s.points.map((p) => p.v));
  const ns = f.points.map((p) => p.n);
  const x = logAxis(Math.min(...ns), Math.max(...ns), left, right, ns);
  const positive = values.filter((v) => v > 0);
  const lo = Math.min(...positive);
  const hi = Math.max(...values, 0);
  const logY = positive.length === values.length && positive.length > 0 && hi / lo > WIDE;
  const y = logY ? logAxis(lo, hi, bottom, top) : linearAxis(hi, bottom, top);
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#bbb"/>`);
  for (const t of y.ticks) {
    const ty = y.at(t).toFixed(1);
    out.push(
      `<line x1="${left}" y1="${ty}" x2="${right}" y2="${ty}" stroke="#eee"/>`,
      `<text x="${left - 5}" y="${(y.at(t) + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#333">${esc(compact(t))}</text>`,
    );
  }
  for (const t of x.ticks) {
    const tx = x.at(t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${top}" x2="${tx}" y2="${bottom}" stroke="#eee"/>`,
      `<text x="${tx}" y="${bottom + 14}" text-anchor="middle" font-size="10" fill="#333">${esc(t.toLocaleString("en-US"))}</text>`,
    );
  }
  out.push(
    `<text x="${(left + right) / 2}" y="${bottom + 30}" text-anchor="middle" font-size="11" fill="#555">n (log scale)</text>`,
    `<text x="${x0 + 12}" y="${(top + bottom) / 2}" text-anchor="middle" font-size="11" fill="#555" transform="rotate(-90 ${x0 + 12} ${(top + bottom) / 2})">${logY ? "log scale" : "linear scale"}</text>`,
  );
  if (series.length === 0) {
    out.push(`<text x="${(left + right) / 2}" y="${(top + bottom) / 2}" text-anchor="middle" fill="#999">no figures</text>`);
    return out;
  }
  for (const s of series) {
    // Zero cannot sit on a log axis: such a point is left out (never the case when logY, by construction).
    const pts = s.points.filter((p) => !logY || p.v > 0).map((p) => `${x.at(p.n).toFixed(1)},${y.at(p.v).toFixed(1)}`);
    if (pts.length > 1) out.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
    for (const pt of pts) {
      const [cx, cy] = pt.split(",");
      out.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${s.color}"/>`);
    }
  }
  return out;
}

/**
 * The scale chart: one small line plot per family of `<base>-<n>` cases,
 * n on a log x axis, each side's headline on y (log where the figures span
 * more than {@link WIDE}x), titled from the cases' title.
 */
export function scaleSvg(results: readonly CaseResult[], subtitle: string): string {
  const families = scaleFamilies(results);
  const cols = families.length > 1 ? 2 : 1;
  const rows = Math.max(1, Math.ceil(families.length / cols));
  // Wide enough for the title and subtitle over a single plot.
  const W = Math.max(cols * PANEL_W + 20, 680);
  const x0 = (W - cols * PANEL_W) / 2;
  const head = 74;
  const H = head + rows * PANEL_H + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">purezmq vs native zeromq (libzmq) at scale: medians</text>`,
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(subtitle)}</text>`,
  ];
  // Legend: the sides with a figure in some plot.
  const shown = SERIES.filter((s) => families.some((f) => f.points.some((p) => headOf(p.result, s.side) !== undefined))).reverse();
  let lx = W / 2 - shown.reduce((w, s) => w + 40 + s.name.length * 6.2, 0) / 2;
  for (const s of shown) {
    out.push(
      `<line x1="${lx}" y1="58" x2="${lx + 24}" y2="58" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
      `<circle cx="${lx + 12}" cy="58" r="3.5" fill="${s.color}"/>`,
      `<text x="${lx + 30}" y="62">${esc(s.name)}</text>`,
    );
    lx += 40 + s.name.length * 6.2;
  }
  families.forEach((f, i) => out.push(...panel(f, x0 + (i % cols) * PANEL_W, head + Math.floor(i / cols) * PANEL_H)));
  if (families.length === 0) out.push(`<text x="${W / 2}" y="${head + 40}" text-anchor="middle">no scale case (an id ending in -n) in this run</text>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
