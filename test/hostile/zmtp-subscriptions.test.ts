/**
 * Subscription attacks on PUB, XPUB and the XSUB/XPUB Proxy, each in a
 * server process of its own (see zmtp-attack.ts): long topics through a
 * proxy whose upstream restarts, huge and numerous topics, several peers
 * over the total bound, CANCELs of unknown topics.
 */
import assert from "node:assert/strict";
import { attackTest } from "./zmtp-attack.js";

// The re-sent subscription used to overflow the stack (one frame per octet)
// and end the proxy for good; libzmq's proxy keeps working: so must ours.
attackTest("proxy-long-topic");
attackTest("proxy-long-topic-libzmq");
attackTest("huge-topic");
attackTest("many-big-topics", (note) => assert.match(note, /closed by the server after 3 topics/));
attackTest("million-topics", (note) => assert.match(note, /closed by the server/));
attackTest("million-topics-unbounded", (note) => assert.match(note, /100000 distinct/));
attackTest("subscription-total", (note) => assert.match(note, /^3 of 6 subscribers held .*; 3 still connected/));
attackTest("cancel-unknown");
