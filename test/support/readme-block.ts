/** The README's code blocks, as the tests that run one of them read it. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));

/** The first code block in `lang` after the heading line `heading` in the README. */
export function blockAfter(heading: string, lang = "ts"): string {
  const text = readFileSync(README, "utf8");
  const at = text.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `the README has the heading "${heading}"`);
  const block = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(text.slice(at));
  assert.ok(block, `a ${lang} block follows "${heading}"`);
  return block[1]!;
}
