/**
 * The `purezmq` command's bad command lines: each exits 2 with one line and
 * the usage of the command; help exits 0.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertFailure, runCli } from "./cli-process.js";

// Independent one-shot processes: a few run at once.
describe("bad command lines exit 2 with the usage", { concurrency: 4 }, () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["no command", [], /^usage:\n {2}purezmq demo/],
    ["an unknown command", ["bogus"], /unknown command "bogus"\nusage:/],
    ["a command named like an Object property", ["toString"], /unknown command "toString"/],
    ["call without a method", ["call", "tcp://127.0.0.1:5555"], /^purezmq call: needs an endpoint and a method\nusage: purezmq call </],
    ["an unknown option", ["call", "tcp://127.0.0.1:5555", "add", "--bogus"], /^purezmq call: unknown option --bogus\nusage: purezmq call/],
    ["a bad --timeout", ["call", "tcp://127.0.0.1:5555", "add", "--timeout", "soon"], /--timeout takes a positive number of milliseconds\nusage:/],
    ["a zero --timeout", ["call", "tcp://127.0.0.1:5555", "add", "--timeout=0"], /--timeout takes a positive number/],
    ["a missing option value", ["call", "tcp://127.0.0.1:5555", "add", "--timeout"], /--timeout needs a value/],
    ["a value for a switch", ["call", "tcp://127.0.0.1:5555", "add", "--json=yes"], /--json takes no value/],
    ["a bad --max-reply", ["call", "tcp://127.0.0.1:5555", "add", "--max-reply", "1.5"], /--max-reply takes a positive whole number of bytes/],
    ["a bad --plain", ["call", "tcp://127.0.0.1:5555", "add", "--plain", "nocolon"], /--plain takes user:password/],
    ["serve without a module", ["serve"], /^purezmq serve: needs a module to serve\nusage: purezmq serve/],
    ["sub without an endpoint", ["sub"], /^purezmq sub: needs an endpoint/],
    ["pub without a value", ["pub", "tcp://127.0.0.1:5555", "topic"], /^purezmq pub: needs an endpoint, a topic and a value/],
    ["pub with a bad --count", ["pub", "tcp://127.0.0.1:5555", "t", "1", "--count", "1.5"], /--count takes a positive whole number/],
    ["lua without call", ["lua", "eval", "x"], /^purezmq lua: the only Lua command is call\nusage: purezmq lua call/],
    ["lua with a bad port", ["lua", "call", "localhost:99999", "f"], /bad host:port "localhost:99999"/],
    ["trace without --to", ["trace", "--listen", "tcp://127.0.0.1:0"], /^purezmq trace: needs --listen and --to\nusage: purezmq trace/],
    ["demo with an argument", ["demo", "now"], /^purezmq demo: unexpected argument "now"/],
  ];
  for (const [what, argv, pattern] of cases) {
    test(what, async () => assertFailure(await runCli(argv), 2, pattern));
  }

  test("help prints the usage on stdout and exits 0", async () => {
    const r = await runCli(["help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage:\n(?: {2}purezmq \w+.*\n?){7}$/);
  });
});
