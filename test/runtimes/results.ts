/**
 * Counting the tests of one file's run under Bun or Deno, as Node's runner
 * counts them: the tests themselves, not the `describe` blocks around them.
 * Bun prints those counts (" 9 pass", " 0 fail"); Deno counts a block as a
 * test and its tests as steps, so its JUnit report is read instead, where a
 * test whose name prefixes others (`block > test`) is a block.
 */

/** Tests passed and failed in one run. */
export interface Counts {
  passed: number;
  failed: number;
}

/** The counts at the end of `bun test` output; zero where a line is missing. */
export function bunCounts(output: string): Counts {
  const count = (word: string): number => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(output)?.[1] ?? 0);
  return { passed: count("pass"), failed: count("fail") };
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" };

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (e) => ENTITIES[e]!);
}

/** The counts of a Deno JUnit report: its test cases that are not blocks of others. */
export function denoJunitCounts(xml: string): Counts {
  const cases: Array<{ name: string; failed: boolean }> = [];
  const re = /<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    cases.push({ name: unescapeXml(m[1]!), failed: /<(failure|error)\b/.test(m[3] ?? "") });
  }
  const blocks = new Set<string>();
  for (const { name } of cases) {
    for (let i = name.indexOf(" > "); i >= 0; i = name.indexOf(" > ", i + 3)) blocks.add(name.slice(0, i));
  }
  const leaves = cases.filter((c) => !blocks.has(c.name));
  const failed = leaves.filter((c) => c.failed).length;
  return { passed: leaves.length - failed, failed };
}
