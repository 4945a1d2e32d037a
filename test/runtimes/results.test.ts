/**
 * The counting of the Bun and Deno runs (results.ts), on output of the
 * shapes those runners print: tests, not the blocks around them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bunCounts, denoJunitCounts } from "./results.js";

test("bun: the pass and fail lines of its summary; none is zero", () => {
  const output = "(pass) a [1ms]\n(fail) b [2ms]\n\n 12 pass\n 3 fail\nRan 15 tests across 1 file. [90.00ms]\n";
  assert.deepEqual(bunCounts(output), { passed: 12, failed: 3 });
  assert.deepEqual(bunCounts("panic(main thread): unsupported uv function\n"), { passed: 0, failed: 0 });
});

test("deno: the JUnit test cases that are not blocks, failures inside blocks counted once", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="6" failures="2" errors="0" time="1.7">
    <testsuite name="./test/x.test.ts" tests="2" disabled="0" errors="0" failures="1">
        <testcase name="block" classname="./test/x.test.ts" time="1.7" line="34" col="1">
            <failure message="1 test step failed">1 test step failed.</failure>
        </testcase>
        <testcase name="alone &amp; &quot;quoted&quot;" classname="./test/x.test.ts" time="0.1" line="40" col="1">
        </testcase>
    </testsuite>
    <testsuite name="ext:deno_node/testing.ts" tests="4" disabled="0" errors="0" failures="1">
        <testcase name="block &gt; inner" classname="ext:deno_node/testing.ts" time="0.002" line="1" col="2">
        </testcase>
        <testcase name="block &gt; inner &gt; deepest" classname="ext:deno_node/testing.ts" time="0.002" line="1" col="2">
            <failure message="boom">AssertionError: boom</failure>
        </testcase>
        <testcase name="block &gt; second" classname="ext:deno_node/testing.ts" time="0.1" line="1" col="2" />
    </testsuite>
</testsuites>`;
  // Leaves: "alone", "block > inner > deepest" (failed), "block > second".
  assert.deepEqual(denoJunitCounts(xml), { passed: 2, failed: 1 });
  assert.deepEqual(denoJunitCounts(""), { passed: 0, failed: 0 });
});
