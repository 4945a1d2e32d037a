/** Running a program to its end, for the tests that check what it prints. */
import { execFile, type ExecFileOptions } from "node:child_process";

/** How a program ended and what it printed. */
export interface ChildResult {
  /** The exit status; null when it was killed (the timeout included). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `file` with `args` to its end; never rejects. */
export function runChild(file: string, args: readonly string[], options: ExecFileOptions = {}): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: "utf8", ...options }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
