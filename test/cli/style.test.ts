/**
 * Colour only where a person watches: on a terminal without NO_COLOR (or
 * TERM=dumb); plain, stable text when piped (the message count of `sub`:
 * taps.test.ts). Non-finite numbers as people and programs read them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RESULT_LIMITS, RESULT_TEXT, toJson } from "../../src/cli/json-print.js";
import { colourOn, paint } from "../../src/cli/style.js";
import { assertFailure, runCli } from "./cli-process.js";

describe("colour", () => {
  test("only on a terminal, never with NO_COLOR or TERM=dumb", () => {
    assert.equal(colourOn({ isTTY: true }, {}), true);
    assert.equal(colourOn({ isTTY: true }, { NO_COLOR: "1" }), false);
    assert.equal(colourOn({ isTTY: true }, { NO_COLOR: "" }), true, "an empty NO_COLOR does not count (no-color.org)");
    assert.equal(colourOn({ isTTY: true }, { TERM: "dumb" }), false);
    assert.equal(colourOn({ isTTY: false }, {}), false);
    assert.equal(colourOn({}, {}), false);
    assert.equal(paint(false, "purezmq", "red"), "purezmq");
    assert.equal(paint(true, "purezmq", "red"), "\x1b[31mpurezmq\x1b[39m");
  });

  test("an error written to a pipe is plain text, the same every time", async () => {
    const a = await runCli(["call", "tcp://127.0.0.1:1", "add", "--timeout", "2000"]);
    const b = await runCli(["call", "tcp://127.0.0.1:1", "add", "--timeout", "2000"]);
    assertFailure(a, 1, /^purezmq call: nothing listens/);
    assert.doesNotMatch(a.stderr, /\x1b/);
    assert.equal(a.stderr, b.stderr);
  });
});

describe("non-finite numbers", () => {
  test("shown as JavaScript writes them for people, null in strict JSON", () => {
    const v = [NaN, Infinity, -Infinity, 1.5];
    assert.equal(toJson(v, RESULT_TEXT), "[NaN,Infinity,-Infinity,1.5]");
    assert.equal(toJson(v, RESULT_LIMITS), "[null,null,null,1.5]");
  });
});
