/**
 * Connection attacks, each in a server process of its own (see
 * zmtp-attack.ts): idle connections filling maxConnections, huge and
 * churning ROUTER identities, READY commands full of properties, ended
 * connections whose peer never reads what is left to write.
 */
import assert from "node:assert/strict";
import { attackTest } from "./zmtp-attack.js";

attackTest("idle-connections");
attackTest("huge-identity", (_note, events) => assert.equal(events["handshake:error:protocol ERR_ZMTP_INVALID_METADATA"], 300));
attackTest("identity-churn");
attackTest("ready-properties", (note) => assert.match(note, /^200 of 200/));
attackTest("unread-then-ended", (note) => assert.match(note, /^3 of 3 /));
