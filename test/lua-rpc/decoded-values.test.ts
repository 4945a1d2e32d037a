/**
 * What a message decodes into is bounded by its values, not only by its
 * octets: `maxValues` per message, and `maxServingBytes` counting each
 * value of the calls being served.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import type * as net from "node:net";
import {
  DEFAULT_MAX_VALUES,
  LuaDecodeError,
  LuaRpcPeer,
  LuaRpcProtocolError,
  decodeMany,
  encodeCallFrame,
} from "../../src/lua-rpc/index.js";
import { deferred } from "./helpers.js";

/** A stream standing for the connection: what we push is one read of the peer. */
function connection(): Duplex {
  return new Duplex({ read() {}, write(_chunk, _encoding, done) { done(); } });
}

test("a message of more than maxValues values is refused", () => {
  assert.equal(DEFAULT_MAX_VALUES, 1_000_000);
  assert.equal(decodeMany(Buffer.alloc(DEFAULT_MAX_VALUES)).length, DEFAULT_MAX_VALUES); // nils, one octet each
  assert.throws(() => decodeMany(Buffer.alloc(DEFAULT_MAX_VALUES + 1)), (e: unknown) => e instanceof LuaDecodeError && /maxValues 1000000/.test(e.message));
  // Keys, values and the table itself count: 1 + 2 * 2 values.
  assert.deepEqual(decodeMany(Buffer.from("0500020700000001010107000000020100", "hex"), { maxValues: 5 }).length, 1);
  assert.throws(() => decodeMany(Buffer.from("050002070000000101010700000002010000", "hex"), { maxValues: 5 }), LuaDecodeError);
});

test("a call of more than maxValues values ends the connection", async () => {
  const socket = connection();
  const peer = new LuaRpcPeer(socket as unknown as net.Socket, { expose: { f: () => 1 }, decode: { maxValues: 100 } });
  const closed = new Promise<Error | undefined>((resolve) => peer.once("close", resolve));
  socket.push(encodeCallFrame(0, "f", [Array(99).fill(true)])); // name, table, 99 keys and 99 values
  const reason = await closed;
  assert.ok(reason instanceof LuaRpcProtocolError && /maxValues 100 /.test(reason.message), String(reason));
});

test("maxServingBytes counts 128 octets per decoded value of the calls served", async () => {
  const socket = connection();
  const release = deferred();
  const entered = deferred();
  let calls = 0;
  const peer = new LuaRpcPeer(socket as unknown as net.Socket, {
    expose: {
      hold: async () => {
        calls++;
        entered.resolve();
        await release.promise;
      },
    },
    maxServingBytes: 1024 * 1024,
  });
  // Two calls of 70 k octets each, 20,002 values each (2.5 MiB counted): one at a time.
  const call = (seq: number) => encodeCallFrame(seq, "hold", [Array(10000).fill(true)]);
  socket.push(Buffer.concat([call(0), call(1)]));
  await entered.promise;
  assert.equal(calls, 1);
  release.resolve();
  peer.destroy();
});
