/**
 * The `purezmq` command's command lines: bad ones exit 2 with one line and
 * the usage of the command; help, per command or all, and the version
 * exit 0 on stdout.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { assertFailure, runCli } from "./cli-process.js";

const COMMANDS = ["demo", "call", "serve", "sub", "pub", "lua", "trace", "probe", "keygen"];

// Independent one-shot processes: a few run at once.
describe("bad command lines exit 2 with the usage", { concurrency: 4 }, () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["no command", [], /^usage: purezmq <command>[^]*\n {2}demo /],
    ["an unknown command", ["bogus"], /^purezmq: unknown command "bogus": purezmq --help lists them$/],
    ["a command named like an Object property", ["toString"], /unknown command "toString"/],
    ["help about an unknown command", ["help", "bogus"], /unknown command "bogus"/],
    ["call without a method", ["call", "tcp://127.0.0.1:5555"], /^purezmq call: needs an endpoint and a method\nusage: purezmq call </],
    ["an unknown option", ["call", "tcp://127.0.0.1:5555", "add", "--bogus"], /^purezmq call: unknown option --bogus\nusage: purezmq call/],
    ["an unknown short option", ["call", "tcp://127.0.0.1:5555", "add", "-x"], /^purezmq call: unknown option -x\n/],
    ["a bad --timeout", ["call", "tcp://127.0.0.1:5555", "add", "--timeout", "soon"], /--timeout takes a positive number of milliseconds\nusage:/],
    ["a zero --timeout", ["call", "tcp://127.0.0.1:5555", "add", "--timeout=0"], /--timeout takes a positive number/],
    ["a negative --timeout", ["call", "tcp://127.0.0.1:5555", "add", "--timeout", "-5"], /--timeout takes a positive number/],
    ["a missing option value", ["call", "tcp://127.0.0.1:5555", "add", "--timeout"], /--timeout needs a value/],
    ["a value for a switch", ["call", "tcp://127.0.0.1:5555", "add", "--json=yes"], /--json takes no value/],
    ["a bad --max-reply", ["call", "tcp://127.0.0.1:5555", "add", "--max-reply", "1.5"], /--max-reply takes a positive whole number of bytes/],
    ["a bad --plain", ["call", "tcp://127.0.0.1:5555", "add", "--plain", "nocolon"], /--plain takes user:password/],
    ["an unknown --protocol", ["call", "tcp://127.0.0.1:5555", "add", "--protocol", "grpc"], /--protocol takes luaovermq or manley or zerorpc, not "grpc"/],
    ["a bad endpoint", ["call", "127.0.0.1:5555", "add"], /bad endpoint "127\.0\.0\.1:5555": write tcp:\/\/host:port or ipc:\/\/\/path/],
    ["an inproc endpoint", ["call", "inproc://x", "add"], /inproc:\/\/ endpoints live inside one process/],
    ["serve without a module", ["serve"], /^purezmq serve: needs a module to serve\nusage: purezmq serve/],
    ["serve --json, once the protocol switch", ["serve", "x.js", "--json"], /^purezmq serve: --json no longer chooses the protocol: use --protocol manley\n/],
    ["sub without an endpoint", ["sub"], /^purezmq sub: needs an endpoint/],
    ["pub without a value", ["pub", "tcp://127.0.0.1:5555", "topic"], /^purezmq pub: needs an endpoint, a topic and a value/],
    ["pub with a bad --count", ["pub", "tcp://127.0.0.1:5555", "t", "1", "--count", "1.5"], /--count takes a positive whole number/],
    ["lua without call", ["lua", "eval", "x"], /^purezmq lua: the only Lua command is call, not "eval"\nusage: purezmq lua call/],
    ["lua with a bad port", ["lua", "call", "localhost:99999", "f"], /bad host:port "localhost:99999"/],
    ["trace without --to", ["trace", "--listen", "tcp://127.0.0.1:0"], /^purezmq trace: needs --listen and --to \(or --pcap\)\nusage: purezmq trace/],
    ["probe without an endpoint", ["probe"], /^purezmq probe: needs the endpoint of the peer to probe\nusage: purezmq probe/],
    ["probe with a bad endpoint", ["probe", "127.0.0.1:5555"], /bad endpoint "127\.0\.0\.1:5555"/],
    ["probe with an unknown --mechanism", ["probe", "tcp://127.0.0.1:5555", "--mechanism", "gssapi"], /--mechanism takes null, plain or curve, not "gssapi"/],
    ["probe --mechanism curve without the server key", ["probe", "tcp://127.0.0.1:5555", "--mechanism", "curve"], /--mechanism curve needs --curve-server-key/],
    ["trace --keylog with --lua", ["trace", "--listen", "tcp://127.0.0.1:0", "--to", "tcp://127.0.0.1:1", "--lua", "--keylog", "k"], /--keylog opens ZMTP CURVE traffic, not --lua/],
    ["demo with an argument", ["demo", "now"], /^purezmq demo: unexpected argument "now"/],
  ];
  for (const [what, argv, pattern] of cases) {
    test(what, async () => assertFailure(await runCli(argv), 2, pattern));
  }
});

describe("help and version", { concurrency: 4 }, () => {
  test("--help, -h and help list every command on stdout and exit 0", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const r = await runCli(argv);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      const listed = [...r.stdout.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]);
      assert.deepEqual(listed, COMMANDS);
    }
  });

  for (const name of COMMANDS) {
    test(`${name} --help, ${name} -h and help ${name} print only that command's help`, async () => {
      const outputs = await Promise.all([[name, "--help"], [name, "-h"], ["help", name]].map((argv) => runCli(argv)));
      for (const r of outputs) {
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(r.stdout, new RegExp(`^usage: purezmq ${name} `));
        assert.match(r.stdout, /\noptions:\n[^]*--help, -h /);
        // One usage: not every command's.
        assert.equal(r.stdout.match(/usage:/g)?.length, 1);
      }
      assert.equal(outputs[1]!.stdout, outputs[0]!.stdout);
      assert.equal(outputs[2]!.stdout, outputs[0]!.stdout);
    });
  }

  test("--help wins over missing arguments: nothing runs", async () => {
    const r = await runCli(["call", "--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: purezmq call <endpoint> <method>/);
  });

  test("pub's help says that it binds, and how to connect instead", async () => {
    const r = await runCli(["pub", "--help"]);
    assert.match(r.stdout, /BINDS <endpoint>/);
    assert.match(r.stdout, /--connect +connect to a subscriber that binds/);
  });

  test("the demo's defaults are the ports the README uses: RPC 8004, PUB 8005, Lua RPC 1999", async () => {
    const r = await runCli(["demo", "--help"]);
    assert.match(r.stdout, /--rpc <endpoint> +RPC endpoint to bind \(default tcp:\/\/127\.0\.0\.1:8004\)/);
    assert.match(r.stdout, /--pub <endpoint> +PUB endpoint to bind \(default tcp:\/\/127\.0\.0\.1:8005\)/);
    assert.match(r.stdout, /--lua <host:port> +Lua RPC address to listen on \(default 127\.0\.0\.1:1999\)/);
  });

  test("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-v"]) {
      const r = await runCli([flag]);
      assert.deepEqual(r, { status: 0, signal: null, stdout: version, stderr: "" });
    }
  });
});
