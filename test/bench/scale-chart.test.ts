/**
 * The benchmark report's scale curves (bench/lib/report.ts scaleFamilies
 * and scaleTables, bench/lib/svg.ts scaleSvg), fed synthetic results: which
 * cases make a family, the text tables, and an SVG that is well-formed XML
 * with one point per figure, whatever sides or points are missing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scaleFamilies, scaleTables, table, type CaseResult, type Side } from "../../bench/lib/report.js";
import { ratiosSvg, scaleSvg } from "../../bench/lib/svg.js";
import { xmlProblem } from "../cli/xml-check.js";

type Figures = Partial<Record<Side, number>>;

function result(id: string, title: string, figures: Figures, extra: Partial<CaseResult> = {}): CaseResult {
  const sides: CaseResult["sides"] = {};
  for (const [side, v] of Object.entries(figures) as Array<[Side, number]>) sides[side] = { label: side, rounds: [{ rate: v }], median: { rate: v } };
  const pz = figures.purezmq;
  const nat = figures.native;
  return {
    id,
    title,
    unit: "msg/s",
    metric: "rate",
    higherIsBetter: true,
    status: "ok",
    sides,
    ratio: pz !== undefined && nat !== undefined ? pz / nat : undefined,
    wallSeconds: 1,
    ...extra,
  };
}

const fanout = (n: number, figures: Figures): CaseResult => result(`pub-fanout-${n}`, `PUB -> ${n.toLocaleString("en-US")} SUB fan-out, 100 B`, figures);

/** Checks well-formedness and returns the SVG. */
function svgOf(results: readonly CaseResult[]): string {
  const svg = scaleSvg(results, "2 x test CPU, node test");
  assert.equal(xmlProblem(svg), undefined);
  return svg;
}

const count = (s: string, what: string): number => s.split(what).length - 1;

describe("scale families", () => {
  test("ids <base>-<n> group by base, sorted by n, titled with n", () => {
    const fams = scaleFamilies([fanout(100, { purezmq: 3 }), result("reqrep", "REQ/REP", { purezmq: 1 }), fanout(1, { purezmq: 1 }), fanout(1000, { purezmq: 2 })]);
    assert.equal(fams.length, 1);
    assert.equal(fams[0]!.base, "pub-fanout");
    assert.deepEqual(fams[0]!.points.map((p) => p.n), [1, 100, 1000]);
    assert.equal(fams[0]!.title, "PUB -> n SUB fan-out, 100 B");
  });

  test("a base with a named setting beside (rpc-seq, rpc-100) is not a scale", () => {
    const results = [result("rpc-seq", "RPC sequential", { purezmq: 1 }), result("rpc-100", "RPC, 100 calls in flight", { purezmq: 2 })];
    assert.deepEqual(scaleFamilies(results), []);
    assert.equal(scaleTables(results), "");
    assert.match(svgOf(results), /no scale case/);
  });

  test("the title keeps other numbers and replaces the point's own", () => {
    const [f] = scaleFamilies([result("subscriptions-1000000", "1,000,000 subscriptions, 100 B messages", { purezmq: 5 })]);
    assert.equal(f!.title, "n subscriptions, 100 B messages");
    const [g] = scaleFamilies([result("idle-clients-100", "idle clients: 100 B each", { purezmq: 5 })]);
    // 100 appears, so it is the one replaced; a title without n is kept as is.
    assert.equal(g!.title, "idle clients: n B each");
    const [h] = scaleFamilies([result("idle-clients-7", "idle clients", { purezmq: 5 })]);
    assert.equal(h!.title, "idle clients");
  });
});

describe("scale chart (SVG)", () => {
  test("one circle per figure, one line per side with two or more points, node:net only where run", () => {
    const svg = svgOf([fanout(1, { purezmq: 4e6, native: 4e5 }), fanout(10, { purezmq: 6e6, native: 1.2e6 }), fanout(100, { purezmq: 5e6 }), fanout(1000, { purezmq: 3e6, native: 2e6 })]);
    assert.equal(count(svg, "<circle"), 7 + 2); // 7 figures, plus the legend's two sides
    assert.equal(count(svg, "<polyline"), 2);
    assert.doesNotMatch(svg, /node:net/);
    assert.match(svg, />PUB -&gt; n SUB fan-out, 100 B</);
    for (const n of ["1", "10", "100", "1,000"]) assert.match(svg, new RegExp(`>${n}</text>`));
  });

  test("a family of one point is drawn, its point mid-axis", () => {
    const svg = svgOf([result("idle-clients-10000", "10,000 idle clients", { purezmq: 120, native: 300, net: 80 })]);
    assert.equal(count(svg, "<polyline"), 0);
    const cx = [...svg.matchAll(/<circle cx="([\d.]+)" cy="[\d.]+" r="3.5" fill="#(?:2e8b57|4169e1|999999)"\/>/g)].map((m) => Number(m[1]));
    // The legend's three, then the three figures at one x, mid-plot.
    assert.equal(cx.length, 6);
    const plotted = cx.slice(3);
    assert.equal(new Set(plotted).size, 1);
    const plot = /<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="none"/.exec(svg);
    assert.ok(plot, "no plot area");
    const mid = Number(plot[1]) + Number(plot[2]) / 2;
    assert.ok(Math.abs(plotted[0]! - mid) < 1, `x ${plotted[0]}, plot centre ${mid}`);
    assert.match(svg, /node:net/);
  });

  test("labels are escaped", () => {
    const svg = svgOf([result("odd-2", `<b>"2" & 'more'</b>`, { purezmq: 1 }, { unit: "a<b & c" })]);
    assert.match(svg, /&lt;b&gt;&quot;n&quot; &amp; 'more'&lt;\/b&gt;/);
    assert.match(svg, /a&lt;b &amp; c/);
  });

  test("log y where the figures span a wide range, linear otherwise", () => {
    assert.match(svgOf([fanout(1, { purezmq: 10 }), fanout(10, { purezmq: 10_000 })]), />log scale</);
    assert.match(svgOf([fanout(1, { purezmq: 10 }), fanout(10, { purezmq: 20 })]), />linear scale</);
    // A zero cannot sit on a log axis: linear then, the zero drawn.
    const withZero = svgOf([fanout(1, { purezmq: 0 }), fanout(10, { purezmq: 10_000 })]);
    assert.match(withZero, />linear scale</);
    assert.equal(count(withZero, "<circle"), 2 + 1);
  });

  test("points without figures (skipped, failed, NaN) leave gaps, not broken XML", () => {
    const svg = svgOf([
      fanout(1, { purezmq: NaN }),
      result("pub-fanout-10", "PUB -> 10 SUB", {}, { status: "skipped", reason: "not built <yet>" }),
      result("pub-fanout-100", "PUB -> 100 SUB", {}, { status: "failed", reason: "x" }),
    ]);
    assert.match(svg, /no figures/);
    assert.doesNotMatch(svg, /NaN|Infinity/);
  });

  test("two families side by side, numbers never NaN", () => {
    const svg = svgOf([fanout(1, { purezmq: 1, native: 2 }), fanout(10, { purezmq: 3, native: 4 }), result("subscriptions-1000", "1,000 subs", { purezmq: 5, native: 6 }), result("subscriptions-1000000", "1,000,000 subs", { purezmq: 7, native: 8 })]);
    assert.equal(count(svg, "<polyline"), 4);
    assert.doesNotMatch(svg, /NaN|Infinity/);
    // The ratio chart still takes the same results.
    assert.equal(xmlProblem(ratiosSvg([fanout(1, { purezmq: 1, native: 2 })], "s")), undefined);
  });
});

describe("scale tables (text report)", () => {
  test("n, each side, node:net where run, the ratio; n/a for no native, skipped points said", () => {
    const out = scaleTables([
      fanout(1, { purezmq: 4_000_000, native: 400_000 }),
      result("pub-fanout-10", "PUB -> 10 SUB fan-out, 100 B", { purezmq: 5 }, { noNative: true }),
      result("pub-fanout-100", "PUB -> 100 SUB fan-out, 100 B", {}, { status: "skipped" }),
    ]);
    const lines = out.split("\n");
    assert.equal(lines[0], "PUB -> n SUB fan-out, 100 B (msg/s)");
    assert.deepEqual(lines[1]!.trim().split(/\s+/), ["n", "purezmq", "native", "pz/native"]);
    assert.deepEqual(lines[2]!.trim().split(/\s+/), ["1", "4,000,000", "400,000", "10.00x"]);
    assert.deepEqual(lines[3]!.trim().split(/\s+/), ["10", "5", "n/a", "-"]);
    assert.deepEqual(lines[4]!.trim().split(/\s+/), ["100", "skipped", "skipped", "-"]);
    assert.equal(lines.length, 5);
  });

  test("a lower-is-better family says so, and node:net gets a column", () => {
    const out = scaleTables([result("idle-clients-100", "100 idle clients", { purezmq: 10, native: 20, net: 5 }, { higherIsBetter: false, unit: "MB" })]);
    assert.match(out, /^n idle clients \(MB, lower is better\)\n/);
    assert.deepEqual(out.split("\n")[1]!.trim().split(/\s+/), ["n", "purezmq", "native", "node:net", "pz/native"]);
  });

  test("the results table ends with the scale tables", () => {
    const out = table([fanout(1, { purezmq: 2, native: 1 }), fanout(10, { purezmq: 4, native: 1 })]);
    assert.match(out, /scale curves:\n\nPUB -> n SUB fan-out, 100 B \(msg\/s\)\n/);
    assert.doesNotMatch(table([result("reqrep", "REQ/REP", { purezmq: 1 })]), /scale curves/);
  });
});
