/**
 * The declarations purezmq publishes (dist/*.d.ts) type-check typical
 * zeromq.js v6 code unchanged: test/compat/types/usage.ts compiles against
 * the `zeromq` package, and the same file with only its import changed to
 * `purezmq` compiles against purezmq, under TypeScript 4.9 and 5.x.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureBuilt } from "./packed-package.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const usage = `${root}test/compat/types/usage.ts`;
const draftUsage = `${root}test/compat/types/draft-usage.ts`;
/** Inside the package, so that `purezmq` resolves to it by its own name (package.json `exports`). */
const generated = `${root}build/types-check`;

const compilers = {
  "TypeScript 5": `${root}node_modules/typescript/bin/tsc`,
  "TypeScript 4.9": `${root}node_modules/typescript-4.9/bin/tsc`,
} as const;

/**
 * The compilers' environment: without the coverage directory the test run
 * may set, which would have V8 record (and the report then read) coverage
 * of the whole compiler.
 */
const { NODE_V8_COVERAGE: _coverage, ...env } = process.env;

/** A consumer's usual strict ESM settings. */
const FLAGS = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--skipLibCheck"];

/**
 * Compiles `files` as one program (one parse of the Node.js types for all)
 * and returns tsc's report lines by file, relative to the package root.
 */
async function typeErrors(compiler: string, files: string[]): Promise<Map<string, string[]>> {
  let report: string;
  try {
    await run(process.execPath, [compiler, ...FLAGS, ...files], { cwd: root, env });
    report = "";
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    report = `${stdout ?? ""}${stderr ?? ""}` || String(err);
  }
  const byFile = new Map<string, string[]>(files.map((f) => [f.slice(root.length), []]));
  let file = "(other)";
  for (const line of report.split("\n").filter((l) => l.trim() !== "")) {
    // An indented line continues the error above it.
    if (!/^\s/.test(line)) file = [...byFile.keys()].find((f) => line.startsWith(f)) ?? "(other)";
    byFile.set(file, [...(byFile.get(file) ?? []), line]);
  }
  return byFile;
}

/** A usage file with only the module name of its imports changed (`zeromq` or `zeromq/draft`). */
function forPurezmq(source: string, module = "zeromq", ours = "purezmq"): string {
  const imports = source.match(new RegExp(`from "${module}";`, "g")) ?? [];
  assert.ok(imports.length > 0, `the usage file imports ${module}`);
  return source.replaceAll(`from "${module}";`, `from "${ours}";`);
}

/** About 20 s of CPU in all; a loaded machine stretches it, hence the hooks' own bound. */
const HOOK = { timeout: 300_000 };

const targets = {
  zeromq: usage,
  purezmq: `${generated}/usage.ts`,
  zeromqDraft: draftUsage,
  purezmqDraft: `${generated}/draft-usage.ts`,
  misuse: `${generated}/misuse.ts`,
};

/** Every file under each compiler, compiled once per compiler, both at a time. */
let reports: Record<keyof typeof compilers, Map<string, string[]>>;

// One hook, not two: the files must be written before the compilers start,
// and root-level hooks of a file are not guaranteed to run one after another.
before(async () => {
  // dist/ is what the package's `exports` give to consumers: built by
  // `npm test` before any test, and here only if older than the sources,
  // since other test files run it while this one does (a compiler
  // rewriting it under them made one fail to load a half-written module).
  await ensureBuilt();
  await mkdir(generated, { recursive: true });
  await writeFile(targets.purezmq, forPurezmq(await readFile(usage, "utf8")));
  await writeFile(targets.purezmqDraft, forPurezmq(await readFile(draftUsage, "utf8"), "zeromq/draft.js", "purezmq/draft"));
  await writeFile(targets.misuse, [
    'import { Dealer, Context } from "purezmq";',
    "const dealer = new Dealer({ linger: 0 });",
    "const id: number = dealer.routingId;",
    "new Context().maxSocketsLimit = 1;",
    'dealer.events.on("bind", (event) => event.interval);',
    "export { id };",
  ].join("\n"));
  const files = Object.values(targets);
  const [ts5, ts49] = await Promise.all([typeErrors(compilers["TypeScript 5"], files), typeErrors(compilers["TypeScript 4.9"], files)]);
  reports = { "TypeScript 5": ts5, "TypeScript 4.9": ts49 };
}, HOOK);

/** The report lines of one target under one compiler. */
function errorsOf(version: keyof typeof compilers, target: keyof typeof targets): string[] {
  return reports[version].get(targets[target].slice(root.length)) ?? [];
}

for (const version of Object.keys(compilers) as Array<keyof typeof compilers>) {
  test(`typical zeromq.js code type-checks against zeromq and, with the import changed, against purezmq (${version})`, () => {
    assert.deepEqual(reports[version].get("(other)") ?? [], [], "errors outside the compiled files");
    assert.deepEqual(errorsOf(version, "zeromq"), [], "the usage file must type-check against zeromq itself");
    assert.deepEqual(errorsOf(version, "purezmq"), [], "the same code against purezmq");
    assert.deepEqual(errorsOf(version, "zeromqDraft"), [], "the draft usage file must type-check against zeromq/draft itself");
    assert.deepEqual(errorsOf(version, "purezmqDraft"), [], "the same draft code against purezmq/draft");
  });

  test(`purezmq's declarations refuse what zeromq.js's refuse: the check is real (${version})`, () => {
    const codes = errorsOf(version, "misuse").flatMap((line) => /error (TS\d+)/.exec(line)?.[1] ?? []);
    assert.deepEqual(codes.sort(), ["TS2322", "TS2339", "TS2540"], errorsOf(version, "misuse").join("\n"));
  });
}
