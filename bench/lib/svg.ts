/**
 * The ratio chart for the README: one horizontal bar per case, purezmq
 * against native zeromq on a log scale centred on 1x (parity). Bars to the
 * right mean purezmq is better (faster, or smaller for memory), to the left
 * worse; a dashed tick marks the project's target where there is one.
 * Hand-written SVG, no dependency.
 */
import type { CaseResult } from "./report.js";

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
