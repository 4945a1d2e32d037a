/**
 * The package as users get it: `npm pack` of the built package, installed
 * into a fresh project from the tarball, offline (its one runtime
 * dependency comes from the npm cache that `npm ci` filled). Shared by the
 * tests of the module formats and of the installed command.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** execFile as a promise. */
export const run = promisify(execFile);
/** The repository. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** npm's command. */
export const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** The newest modification time under `dir` (recursively). */
function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? newest(path) : statSync(path).mtimeMs;
  }));
}

/**
 * Builds dist/ unless it is newer than every source: `npm test` builds it
 * first, and the tests do not spend two compilations of CPU beside the
 * rest of the suite, nor rewrite dist/ while other test files load it.
 */
export async function ensureBuilt(): Promise<void> {
  const stamp = join(ROOT, "dist", "cjs", "package.json"); // written last by `npm run build`
  const sources = Math.max(newest(join(ROOT, "src")), ...["package.json", "tsconfig.json", "tsconfig.cjs.json"].map((f) => statSync(join(ROOT, f)).mtimeMs));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return;
  await run(NPM, ["run", "build", "--silent"], { cwd: ROOT });
}

/** A fresh project with the packed package installed, and the tarball it came from. */
export interface PackedProject {
  /** The project's directory. */
  readonly dir: string;
  /** The tarball's path (inside `dir`). */
  readonly tarball: string;
}

/**
 * Packs the package into a new temporary project named `prefix...` and
 * installs it there from the tarball. `files` are written into the project
 * first (consumers, a tsconfig...).
 */
export async function installPacked(prefix: string, files: Readonly<Record<string, string>> = {}): Promise<PackedProject> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await ensureBuilt();
  // Scripts are skipped: dist/ is built above, and prepack would build it again.
  await run(NPM, ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: ROOT });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  assert.ok(tarball, "npm pack made no tarball");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `${prefix.replace(/\W+$/, "")}-check`, private: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  await run(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", join(dir, tarball)], { cwd: dir });
  return { dir, tarball: join(dir, tarball) };
}
