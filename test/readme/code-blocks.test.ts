/**
 * Every TypeScript and JavaScript code block of the README, compiled
 * against the built package and run: each must compile (strict), end by
 * itself within a bound, with status 0 and nothing on stderr. New blocks
 * are picked up as they are written. A block that is a fragment names
 * what it assumes in an HTML comment just before it,
 * `<!-- prelude: declare const sock: Dealer; -->`, which is put before it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Inside the package, so that "purezmq" resolves to the package itself (its exports map, dist/). */
const DIR = join(ROOT, "build", "readme-blocks");
/** How long a block may run. */
const BOUND_MS = 20_000;

/** A code block: where it starts in the README, its language and its text. */
interface Block {
  readonly line: number;
  readonly lang: "ts" | "js";
  readonly code: string;
  readonly file: string;
}

/** The README's TypeScript and JavaScript blocks, with their preludes. */
export function extractBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^(?:<!-- prelude: (.*?) -->\n)?```(ts|typescript|js|javascript)\n([^]*?)^```$/gm;
  for (const m of markdown.matchAll(fence)) {
    const line = markdown.slice(0, m.index).split("\n").length + (m[1] === undefined ? 0 : 1);
    const lang = m[2]!.startsWith("t") ? "ts" : "js";
    const n = String(blocks.length + 1).padStart(2, "0");
    blocks.push({ line, lang, code: `${m[1] ?? ""}\n${m[3]}`, file: `block-${n}.${lang === "ts" ? "ts" : "mjs"}` });
  }
  return blocks;
}

const blocks = extractBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
let compiled: Promise<string> | undefined;

before(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const b of blocks) writeFileSync(join(DIR, b.file), b.code);
  writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true,
      types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")], outDir: "out", rootDir: ".",
    },
    include: blocks.filter((b) => b.lang === "ts").map((b) => b.file),
  }));
  // Compiled once for all blocks; each test reports the errors of its own block.
  compiled = run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", DIR, "--pretty", "false"], { cwd: DIR })
    .then(() => "", (err: { stdout?: string }) => err.stdout ?? String(err));
});

after(() => rmSync(DIR, { recursive: true, force: true }));

describe("README code blocks", () => {
  test("there are blocks to check (the extraction finds them)", () => {
    assert.ok(blocks.filter((b) => b.lang === "ts").length >= 4, `found ${blocks.length}`);
  });

  for (const b of blocks) {
    test(`the ${b.lang} block at README.md line ${b.line} compiles and ends by itself`, async () => {
      if (b.lang === "ts") {
        const errors = (await compiled!).split("\n").filter((l) => l.startsWith(b.file));
        assert.deepEqual(errors, [], `README.md line ${b.line}: does not compile`);
      }
      const script = join(DIR, b.lang === "ts" ? join("out", b.file.replace(/\.ts$/, ".js")) : b.file);
      const { stdout, stderr } = await run(process.execPath, [script], { timeout: BOUND_MS, killSignal: "SIGKILL" }).catch((err: Error & { stdout?: string; stderr?: string; killed?: boolean }) => {
        assert.fail(`README.md line ${b.line}: ${err.killed ? `did not end within ${BOUND_MS} ms` : "failed"}; stdout: ${err.stdout} stderr: ${err.stderr}`);
      });
      assert.equal(stderr, "", `README.md line ${b.line} wrote to stderr`);
      void stdout;
    });
  }
});
