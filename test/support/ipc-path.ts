/**
 * Socket file paths for ipc tests. libzmq (the `zeromq` package) leaves the
 * file of an ipc endpoint behind when its socket closes, so every path made
 * here is removed when the test process exits: runs do not litter the
 * temporary directory.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();
process.once("exit", () => {
  for (const path of made) rmSync(path, { force: true });
});

/** A fresh socket path in the temporary directory, removed at exit. */
export function ipcTestPath(label = "test"): string {
  const path = join(tmpdir(), `purezmq-${label}-${randomBytes(6).toString("hex")}.sock`);
  made.add(path);
  return path;
}
