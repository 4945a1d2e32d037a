/**
 * Error texts that quote what the remote peer sent, or describe what a
 * handler threw, stay within one luatobin string and are cut between
 * characters.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { LuaRpcError, newClient, newMultiServer } from "../../src/lua-rpc/index.js";
import { MAX_QUOTED_NAME_OCTETS, clip, sendableText } from "../../src/lua-rpc/error-text.js";

const EMOJI = "\u{1F600}"; // 4 octets, 2 UTF-16 units

test("clip cuts between characters, within the bound, marking the cut", () => {
  assert.equal(clip("short", 10), "short");
  assert.equal(clip("abcdefghij", 10), "abcdefghij");
  assert.equal(clip("abcdefghijk", 10), "abcdefg...");
  for (let max = 3; max < 20; max++) {
    for (const text of ["a" + EMOJI.repeat(10), "\u20ac".repeat(10), "ab" + "\u00e9".repeat(10)]) {
      const out = clip(text, max);
      assert.ok(Buffer.byteLength(out) <= max, `${max}: ${Buffer.byteLength(out)} octets`);
      assert.ok(!/[\uD800-\uDFFF]/.test(out.replace(/\uD83D\uDE00/g, "")), `${max}: a lone surrogate in ${JSON.stringify(out)}`);
      assert.ok(text.startsWith(out.slice(0, -3)) && out.endsWith("..."));
    }
  }
});

test("sendableText replaces lone surrogates and fits one luatobin string", () => {
  assert.equal(sendableText("a\uD800b"), "a\uFFFDb");
  const long = sendableText("a" + EMOJI.repeat(40000));
  assert.ok(Buffer.byteLength(long) <= 65534);
  assert.ok(long.endsWith(EMOJI + "..."));
});

test("a long method name is quoted clipped in the error, and the server goes on", async (t) => {
  const server = await newMultiServer("127.0.0.1", 0, () => {}, {
    expose: {
      o: { f: () => 1 },
      // A message of odd length before the emoji: cutting by UTF-16 units would split a pair.
      fails: () => {
        throw new Error("a" + EMOJI.repeat(40000));
      },
    },
  });
  const client = await newClient("127.0.0.1", server.port);
  t.after(async () => {
    await client.close();
    await server.close();
  });
  const method = "a" + EMOJI.repeat(16383); // 65533 octets, the most one string holds
  await assert.rejects(client.call("__rpcinvoke", "o", method), (e: unknown) => {
    assert.ok(e instanceof LuaRpcError);
    const quoted = /'(.*)'/s.exec(e.message)![1]!;
    assert.ok(Buffer.byteLength(quoted) <= MAX_QUOTED_NAME_OCTETS, `${Buffer.byteLength(quoted)} octets quoted`);
    assert.ok(quoted.startsWith("a" + EMOJI) && quoted.endsWith(EMOJI + "..."));
    return true;
  });
  await assert.rejects(client.call("fails"), (e: unknown) => {
    assert.ok(e instanceof LuaRpcError && typeof e.value === "string");
    assert.ok(Buffer.byteLength(e.value) <= 65534 && e.value.endsWith(EMOJI + "..."));
    return true;
  });
  assert.deepEqual(await client.call("o.f"), [1]);
});
