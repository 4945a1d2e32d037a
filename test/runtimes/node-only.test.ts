/**
 * The list of files left out under Bun and Deno (left-out.ts) stays true:
 * each names a test file that exists, and the files left out for loading
 * the native `zeromq` addon are exactly those whose imports reach it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LEFT_OUT, NATIVE_ADDON, NODE_ONLY } from "./left-out.js";

const BUILD_TEST = fileURLToPath(new URL("../", import.meta.url));
const SOURCE_TEST = fileURLToPath(new URL("../../../test/", import.meta.url));

/** Module specifiers of a compiled file's import and export-from statements, dynamic imports included. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const re of [/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm, /^\s*import\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g]) {
    for (const m of text.matchAll(re)) found.push(m[1]!);
  }
  return found;
}

/** Whether `file`'s imports, followed through relative ones, reach the `zeromq` package. */
function reachesZeromq(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  for (const spec of specifiers(file)) {
    if (spec === "zeromq" || spec.startsWith("zeromq/")) return true;
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      if (existsSync(target) && reachesZeromq(target, seen)) return true;
    }
  }
  return false;
}

function compiledTests(dir = BUILD_TEST): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? compiledTests(join(dir, e.name)) : e.name.endsWith(".test.js") ? [join(dir, e.name)] : []);
}

test("every file the list names is a test file of test/", () => {
  const named = [...Object.keys(NODE_ONLY), ...Object.values(LEFT_OUT).flatMap((files) => Object.keys(files))];
  assert.ok(named.length > 0);
  for (const file of named) assert.ok(existsSync(join(SOURCE_TEST, file)), `${file} is not in test/`);
});

test("the files left out for the native addon are exactly those whose imports reach `zeromq`", () => {
  const reaching = compiledTests().filter((f) => reachesZeromq(f)).map((f) => relative(BUILD_TEST, f).replace(/\.js$/, ".ts")).sort();
  const listed = Object.entries(NODE_ONLY).filter(([, reason]) => reason === NATIVE_ADDON).map(([file]) => file).sort();
  assert.ok(reaching.includes("interop/reqrep.test.ts"), "the import walk finds the interop tests");
  assert.deepEqual(listed, reaching);
});
