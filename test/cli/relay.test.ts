/**
 * The tracer's relay in process: a decoder that throws is cut off with one
 * report, and the octets of both directions still pass unchanged.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import { startRelay } from "../../src/cli/trace/relay.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { CountingSink, sha256 } from "../hostile/cli-hostile-peers.js";

test("a tap that throws is reported once and cut off; relaying goes on", async () => {
  const sink = new CountingSink();
  const to = await sink.listen();
  const events: TraceEvent[] = [];
  let pushes = 0;
  const relay = await startRelay({
    listen: "tcp://127.0.0.1:0",
    to,
    report: (e) => events.push(e),
    makeTap: () => ({
      push() {
        pushes++;
        throw new RangeError("Maximum call stack size exceeded");
      },
    }),
  });
  try {
    const port = (relay.address() as net.AddressInfo).port;
    const data = Buffer.alloc(1024 * 1024, 7);
    const client = net.connect(port, "127.0.0.1");
    const closed = new Promise((resolve) => client.on("close", resolve));
    client.on("data", () => undefined);
    client.end(data);
    await closed;
    assert.ok(await sink.arrived(sha256(data)), "relayed unchanged");
    const violations = events.filter((e) => e.type === "violation");
    assert.deepEqual(violations, [
      { type: "violation", conn: 1, dir: "c>s", error: "the tracer could not decode this: Maximum call stack size exceeded", stopped: true },
    ]);
    assert.equal(pushes, 1, "the failed tap is not fed again");
  } finally {
    relay.close();
    sink.close();
  }
});
