/**
 * Bundles a program that imports `purezmq` as an application would, with
 * esbuild, for a browser or a Worker: the package is found through a
 * node_modules link in a scratch folder, so its export conditions (`browser`,
 * `workerd`) pick the entry, as a user's bundler would. Used by the browser
 * and Workers tests (run by `npm run test:browser`).
 */
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The project's root folder (build/test/support/../../..). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** One bundle: its code, and the project files it took in. */
export interface Bundle {
  code: string;
  /** Paths under the project of the files bundled in. */
  inputs: string[];
}

/**
 * Bundles `source` (ESM JavaScript importing `purezmq`) resolving packages
 * with `conditions`; `external` names modules the host provides.
 */
export async function bundlePortable(source: string, conditions: string[], external: string[] = []): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), "purezmq-bundle-"));
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "purezmq"), "dir");
    writeFileSync(join(dir, "app.mjs"), source);
    const result = await build({
      entryPoints: [join(dir, "app.mjs")],
      bundle: true,
      write: false,
      format: "esm",
      platform: "browser",
      conditions,
      external,
      metafile: true,
      logLevel: "silent",
    });
    return {
      code: result.outputFiles[0]!.text,
      inputs: Object.keys(result.metafile.inputs).map((p) => relative(ROOT, join(process.cwd(), p))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
