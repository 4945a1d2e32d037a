/**
 * `purezmq serve` with every common module shape (named exports, a default
 * object, CommonJS `module.exports`, classes made with `new`), and what it
 * logs: a failing handler always, every call with --verbose.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FIXTURES, assertFailure, assertPrints, runCli, startCli, type CliProcess } from "./cli-process.js";

/** Starts serve on a free port; resolves with the process, its methods and endpoint. */
async function serve(module: string, ...args: string[]): Promise<{ proc: CliProcess; methods: string[]; endpoint: string }> {
  const proc = startCli("serve", join(FIXTURES, module), "--bind", "tcp://127.0.0.1:0", ...args);
  const [, methods, endpoint] = await proc.waitForMatch(/^serving (.*) on (tcp:\/\/\S+)$/);
  return { proc, methods: methods!.split(", ").sort(), endpoint: endpoint! };
}

describe("purezmq serve: module shapes", { concurrency: 3 }, () => {
  test("CommonJS module.exports = { ... }", async () => {
    const { proc, methods, endpoint } = await serve("commonjs-module.cjs");
    try {
      assert.deepEqual(methods, ["add", "text.upper"]);
      assertPrints(await runCli(["call", endpoint, "add", "2", "3"]), "5");
      assertPrints(await runCli(["call", endpoint, "text.upper", "abc"]), '"ABC"');
    } finally {
      await proc.stop("SIGINT");
    }
  });

  test("export default { ... }, and a failing handler is logged on stderr", async () => {
    const { proc, methods, endpoint } = await serve("default-module.js");
    try {
      assert.deepEqual(methods, ["fail", "twice"]);
      assertPrints(await runCli(["call", endpoint, "twice", "21"]), "42");
      assertFailure(await runCli(["call", endpoint, "fail"]), 1, /always fails/);
      await proc.waitForMatch(/^fail\(\) failed: RangeError: twice's sibling always fails$/, "stderr");
      // Without --verbose, calls that succeed are not logged.
      assert.equal(proc.stderr.length, 1, proc.stderr.join("\n"));
    } finally {
      const ended = await proc.stop("SIGINT");
      assert.deepEqual([ended.status, ended.signal], [130, null]);
    }
  });

  test("exported classes are made with new, the default one served under its class name", async () => {
    const { proc, methods, endpoint } = await serve("class-module.js");
    try {
      assert.deepEqual(methods, ["Counter.next", "Greeter.greet"]);
      assertPrints(await runCli(["call", endpoint, "Counter.next"]), "1");
      assertPrints(await runCli(["call", endpoint, "Counter.next"]), "2");
      assertPrints(await runCli(["call", endpoint, "Greeter.greet", "ann"]), '"hi ann"');
    } finally {
      await proc.stop();
    }
  });

  test("--verbose logs every call with its arguments and result", async () => {
    const { proc, endpoint } = await serve("calc-module.js", "--verbose");
    try {
      assertPrints(await runCli(["call", endpoint, "calc.mul", "6", "7"]), "42");
      await proc.waitForMatch(/^calc\.mul\(6, 7\) -> 42 in \d+\.\d ms$/, "stderr");
      // The method keeps its declared parameter count for introspection.
      const methods = JSON.parse((await runCli(["call", endpoint, "rpc.methods"])).stdout) as Array<{ name: string; arity: number }>;
      assert.equal(methods.find((m) => m.name === "calc.mul")?.arity, 2);
    } finally {
      await proc.stop();
    }
  });

  test("--protocol zerorpc serves the module to dotcloud zerorpc clients", async () => {
    const { proc, endpoint } = await serve("calc-module.js", "--protocol", "zerorpc");
    try {
      assertPrints(await runCli(["call", endpoint, "calc.mul", "6", "7", "--protocol", "zerorpc"]), "42");
      // A LuaOverMQ client gets no answer it can read from a zerorpc server.
      assert.notEqual((await runCli(["call", endpoint, "calc.mul", "6", "7", "--timeout", "500"])).status, 0);
    } finally {
      await proc.stop();
    }
  });

  test("a missing module exits 1 and says to check the path", async () => {
    assertFailure(await runCli(["serve", join(FIXTURES, "no-such-module.js")]), 1, /^purezmq serve: no module at .*no-such-module\.js: check the path/);
  });

  test("a port in use exits 1 and says to choose another", async () => {
    const { proc, endpoint } = await serve("calc-module.js");
    try {
      assertFailure(await runCli(["serve", join(FIXTURES, "calc-module.js"), "--bind", endpoint]), 1,
        new RegExp(`^purezmq serve: ${endpoint.replace(/[.]/g, "\\.")} is already in use .*choose another port with --bind \\(EADDRINUSE\\)$`));
    } finally {
      await proc.stop();
    }
  });
});
