/**
 * node:crypto calls the library must not make. In Node 20,
 * `generateKeyPairSync` hands out keys that share a lock with the job that
 * made them; exporting such a key while a collection destroys that job
 * deadlocks the process (seen under the CURVE fuzz properties, about once in
 * 40,000 handshakes: every CURVE handshake makes a short-term pair). Key
 * pairs are made from random octets instead (`generateKeyPair` in
 * `src/zmtp/wire/curve-crypto.ts`); this keeps the call from coming back.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { sourceFiles } from "./imports.js";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

test("no key generation jobs: src/ never calls generateKeyPair(Sync) of node:crypto", () => {
  // Comments may name it (to say why not); code may not call it.
  const code = (f: string): string => readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const offenders = sourceFiles(SRC).filter((f) => /\bgenerateKeyPair(Sync)?\s*\(\s*["'`]/.test(code(f)));
  assert.deepEqual(offenders.map((f) => relative(SRC, f)), []);
});
