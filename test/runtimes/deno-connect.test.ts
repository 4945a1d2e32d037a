/**
 * The `connect` option over a byte stream that is not node:net: Deno's own
 * TCP (`Deno.connect`, fixtures/deno-request.ts) carries a purezmq REQ's
 * connection to a libzmq REP (the `zeromq` package) served from Node.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as zmq from "zeromq";
import { runChild } from "../support/run-child.js";

const DENO = fileURLToPath(new URL("../../../node_modules/.bin/deno", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/deno-request.js", import.meta.url));

test("a purezmq REQ in Deno, dialing through Deno.connect, gets libzmq's reply", async (t) => {
  const rep = new zmq.Reply({ linger: 0 });
  t.after(() => rep.close());
  await rep.bind("tcp://127.0.0.1:0");
  const served = (async () => {
    const [request] = await rep.receive();
    await rep.send(`${String(request)}, answered by libzmq`);
    return String(request);
  })();
  const { status, stdout, stderr } = await runChild(DENO, ["run", "--allow-all", FIXTURE, rep.lastEndpoint!], {
    timeout: 30_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  assert.equal(status, 0, stderr);
  assert.equal(await served, "hello from Deno");
  assert.equal(stdout, "hello from Deno, answered by libzmq\n");
});
