/**
 * 1,000 connect/disconnect cycles leave nothing behind: open handles
 * (`process.getActiveResourcesInfo()`), event listeners and pipes return to
 * what they were before the first cycle.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dealer, Router, type Socket } from "../../src/index.js";
import { nextEvent, track } from "../zmtp/sockets/helpers.js";
import { handleExcess, openHandles, pollUntil } from "./resources.js";

const CYCLES = 1000;

/** White-box counts: the socket's pipes and the listeners on its events. */
function internals(socket: Socket): { pipes: number; listeners: number } {
  const s = socket as unknown as { pipes: Set<unknown>; events: { listeners: Map<string, Set<unknown>> } };
  let listeners = 0;
  for (const set of s.events.listeners.values()) listeners += set.size;
  return { pipes: s.pipes.size, listeners };
}

test(`${CYCLES} connect/disconnect cycles: no growth in handles, listeners or pipes`, async (t) => {
  const [router, dealer] = track(t, new Router(), new Dealer({ linger: 0 }));
  await router.bind("tcp://127.0.0.1:0");
  const endpoint = router.lastEndpoint!;
  // One cycle first, so lazily created state is in the baseline.
  const cycle = async (): Promise<void> => {
    const served = nextEvent(router, "handshake");
    dealer.connect(endpoint);
    await served;
    const gone = nextEvent(router, "disconnect");
    dealer.disconnect(endpoint);
    await gone;
  };
  await cycle();
  const baseHandles = openHandles();
  const baseRouter = internals(router);
  const baseDealer = internals(dealer);
  for (let i = 0; i < CYCLES; i++) await cycle();
  await pollUntil(5000, () => handleExcess(openHandles(), baseHandles).length === 0);
  assert.deepEqual(handleExcess(openHandles(), baseHandles), [], "open handles");
  assert.deepEqual(internals(router), baseRouter, "router pipes and listeners");
  assert.deepEqual(internals(dealer), baseDealer, "dealer pipes and listeners");
  // Still serving.
  dealer.connect(endpoint);
  await dealer.send("alive");
  const [, body] = await router.receive();
  assert.equal(body!.toString(), "alive");
});
