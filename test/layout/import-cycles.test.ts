/**
 * The layers of DESIGN.md, kept honest: dependencies among `src/` files
 * point one way, so no file may reach itself through its imports. Type-only
 * imports count too: they tie the layers together as much as value imports
 * do, only later.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { importsOf, sourceFiles } from "./imports.js";

/** The repository's `src/` (this file runs from `build/test/layout/`). */
const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

/** Groups of files that import each other, directly or not (Tarjan's strongly connected components). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test("the cycle finder finds a cycle and its members only", () => {
  const graph = new Map([["a", ["b"]], ["b", ["c", "d"]], ["c", ["a"]], ["d", []], ["e", ["e"]]]);
  assert.deepEqual(cycles(graph), [["a", "b", "c"], ["e"]]);
  assert.deepEqual(importsOf("/s/x/y.ts", `import type { A } from "../a.js";\nexport { B } from "./b.js";\nimport "node:fs";\nvoid import("../c/d.js");`), ["/s/a.ts", "/s/x/b.ts", "/s/c/d.ts"]);
});

test("no import cycle among src/ files", () => {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) graph.set(file, importsOf(file, readFileSync(file, "utf8")));
  const found = cycles(graph).map((group) => group.map((f) => relative(SRC, f)).join(" <-> "));
  assert.deepEqual(found, [], `import cycles:\n${found.join("\n")}`);
});
