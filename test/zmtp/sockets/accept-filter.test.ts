/**
 * tcpAcceptFilter on the host's own node:net (also run under Bun and
 * Deno, whose node:net report peers their own way): a peer in the list is
 * served, one outside it is closed at once with `accept:error`, over
 * tcp:// and ws://, and ipc:// ignores the list as libzmq does. The values
 * libzmq takes and the events are checked against zeromq.js in
 * `test/compat/accept-filter.test.ts`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Router } from "../../../src/index.js";
import { bindAddress, bindResolved, events, track, withDeadline } from "./helpers.js";

for (const [transport, bind] of [["tcp", "tcp://127.0.0.1:0"], ["ws", "ws://127.0.0.1:0/filtered"], ["ipc", bindAddress("ipc")]] as const) {
  test(`tcpAcceptFilter over ${transport}://: 127.0.0.0/8 serves a loopback peer, 10.0.0.0/8 refuses it${transport === "ipc" ? " (ipc: not applied)" : ""}`, async (t) => {
    const [inside, outside, a, b] = track(t, new Router(), new Router(), new Dealer(), new Dealer());
    inside.tcpAcceptFilter = "127.0.0.0/8";
    outside.tcpAcceptFilter = "10.0.0.0/8";
    a.connect(await bindResolved(inside, bind));
    await a.send("in");
    assert.equal(String((await withDeadline(inside.receive(), 5000, "a message from the peer inside"))[1]), "in");
    const refused = transport === "ipc" ? undefined : events(outside, "accept:error", 1);
    const endpoint = await bindResolved(outside, transport === "ipc" ? bindAddress("ipc") : bind);
    b.connect(endpoint);
    await b.send("out");
    if (refused) {
      const [event] = await refused;
      assert.equal((event as { error?: { code?: string } }).error?.code, "EAGAIN");
    } else {
      assert.equal(String((await withDeadline(outside.receive(), 5000, "a message over ipc"))[1]), "out");
    }
  });
}
