/**
 * Commands run in the order they arrived, though several are inflated at
 * once off the event loop: a large command followed by a small one must not
 * be overtaken by it (pyzmqrpc3's server runs them one after another).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CommandHandler } from "../../src/rpc/pyzmqrpc3/handler.js";
import { defineCommand, encodeCommand } from "../../src/rpc/pyzmqrpc3/codec.js";

const Note = defineCommand("Note", { tag: "", pad: "" });

test("a small command does not overtake a large one still being inflated", async () => {
  const handler = new CommandHandler({ maxCommandBytes: 64 * 1024 * 1024 });
  const ran: string[] = [];
  handler.registerService(Note, (cmd) => {
    ran.push(cmd.tag);
  });
  // Random text compresses badly, so the large one takes the thread pool far longer.
  const pad = Array.from({ length: 4 * 1024 * 1024 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join("");
  const large = encodeCommand("Note", { tag: "large", pad });
  const small = encodeCommand("Note", { tag: "small", pad: "" });
  await Promise.all([handler.execute(large), handler.execute(small)]);
  assert.deepEqual(ran, ["large", "small"]);
});
