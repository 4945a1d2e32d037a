/**
 * The probe's verdicts and how they are printed: a table for people, one
 * JSON value for programs, and the exit status.
 *
 * - pass: the peer did what the RFC asks.
 * - deviation: the peer broke a MUST of the RFC (or could not be talked to
 *   as the RFC says); the exit status is then 1.
 * - finding: the peer departs from the RFC's text where that is allowed
 *   (a SHOULD, a choice the RFC leaves open) or where the departure is a
 *   known, widely deployed form (libzmq 4.3's); reported, not a failure.
 * - n.a.: the check does not apply to this peer, or could not be run.
 */
import { EXIT } from "../errors.js";

/** A verdict of one check. */
export type Verdict = "pass" | "deviation" | "finding" | "n.a.";

/** One row of the report. */
export interface CheckResult {
  /** The check's stable name (`greeting-split`...). */
  check: string;
  result: Verdict;
  /** The RFC and section the check reads (`RFC 37 "The PING Command"`). */
  rfc: string;
  /** What was seen, in a sentence. */
  detail: string;
}

/** Longest detail kept: details quote what the peer sent (a Socket-Type, property names, an ERROR reason). */
export const DETAIL_MAX = 300;

/** A detail cut to {@link DETAIL_MAX} characters. */
export function clipDetail(detail: string): string {
  return detail.length <= DETAIL_MAX ? detail : `${detail.slice(0, DETAIL_MAX)}…(${detail.length - DETAIL_MAX} more chars)`;
}

/** The report as a table, one row per check. */
export function formatTable(rows: readonly CheckResult[]): string[] {
  const header: CheckResult = { check: "check", result: "result" as Verdict, rfc: "rfc section", detail: "detail" };
  const all = [header, ...rows];
  const w1 = Math.max(...all.map((r) => r.check.length));
  const w2 = Math.max(...all.map((r) => r.result.length));
  const w3 = Math.max(...all.map((r) => r.rfc.length));
  return all.map((r) => `${r.check.padEnd(w1)}  ${r.result.padEnd(w2)}  ${r.rfc.padEnd(w3)}  ${r.detail}`.trimEnd());
}

/** The counts of each verdict, for the summary line. */
export function summary(rows: readonly CheckResult[]): string {
  const count = (v: Verdict): number => rows.filter((r) => r.result === v).length;
  return `${count("pass")} pass, ${count("deviation")} deviation(s), ${count("finding")} finding(s), ${count("n.a.")} n.a.`;
}

/** Exit status of a probe: 1 when any check found a deviation, else 0. */
export function probeStatus(rows: readonly CheckResult[]): number {
  return rows.some((r) => r.result === "deviation") ? EXIT.failed : EXIT.ok;
}
