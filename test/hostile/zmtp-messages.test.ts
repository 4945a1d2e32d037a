/**
 * Message and command attacks, each in a server process of its own (see
 * zmtp-attack.ts): a message of empty parts that never ends, frames under
 * maxMessageSize that add up past it, a huge unknown command, large
 * messages announced and never finished on many connections, PINGs from a
 * peer that never reads its PONGs, small messages each in a large read of
 * its own.
 */
import assert from "node:assert/strict";
import { attackTest } from "./zmtp-attack.js";

attackTest("empty-parts", (note) => assert.match(note, /closed by the server/));
attackTest("long-message", (note) => assert.match(note, /closed by the server/));
attackTest("big-command", (note) => assert.match(note, /closed by the server/));
// Within the budget of bodies allocated from their declared size, the rest gathered.
attackTest("announced-bodies", (note) => assert.match(note, /^24 connections/));
// The server stops reading instead of queueing PONGs: the attacker cannot
// even write all of its PINGs.
attackTest("pings", (note) => assert.match(note, /before the server stopped reading/));
// The queue is full of one-octet messages whose reads were mostly a
// command: at no time may they hold their reads (60 MB) alive.
attackTest("pinned-chunks", (note, _events, r) => {
  assert.match(note, /^1\d{3} messages sent/);
  assert.ok(r.peakLiveMb - r.baselineHeldMb <= 10, `peak of ${(r.peakLiveMb - r.baselineHeldMb).toFixed(1)} MB over the baseline: ${JSON.stringify(r)}`);
});
