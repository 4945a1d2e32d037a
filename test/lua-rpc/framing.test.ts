/**
 * Frame decoder and frame encoders.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MAX_FRAME_SIZE,
  encodeCallFrame,
  encodeResponseFrame,
  FrameDecoder,
  LuaRpcFrameTooLargeError,
  LuaRpcProtocolError,
  MessageType,
  Status,
} from "../../src/lua-rpc/index.js";
import { hex, spec } from "./helpers.js";

test("frame encoders produce the spec octets", () => {
  assert.equal(hex(encodeCallFrame(1, "math.max", [1, 2.5, -3])), hex(spec("00 01 0000001e 04 0008 6d6174682e6d6178 07 00000001 03 4004000000000000 07 fffffffd")));
  assert.equal(hex(encodeResponseFrame(4, Status.NO_SUCH_PROCEDURE)), hex(spec("01 04 00000001 02")));
  assert.equal(hex(encodeCallFrame(0x1ff, "f")), hex(spec("00 ff 00000004 04 0001 66")));
});

test("frame decoder: one byte at a time, many frames per chunk, empty payloads", () => {
  const stream = Buffer.concat([encodeCallFrame(7, "a", [1]), encodeResponseFrame(7, Status.OK, []), spec("00 09 00000000")]);
  const d = new FrameDecoder();
  const got = [];
  for (const b of stream) got.push(...d.push(Buffer.from([b])));
  got.push(...d.push(new Uint8Array(0)));
  assert.deepEqual(got.map((f) => [f.type, f.seq, hex(f.payload)]), [
    [MessageType.CALL, 7, "04 00 01 61 07 00 00 00 01"],
    [MessageType.RESPONSE, 7, "00"],
    [MessageType.CALL, 9, ""],
  ]);
  const all = new FrameDecoder().push(new Uint8Array(stream));
  assert.equal(all.length, 3);
  assert.equal(DEFAULT_MAX_FRAME_SIZE, 16 * 1024 * 1024);
});

test("frame decoder: the size limit is enforced before buffering the payload", () => {
  const d = new FrameDecoder({ maxFrameSize: 10 });
  assert.deepEqual(d.push(spec("00 00 0000000a")), []);
  assert.equal(d.push(Buffer.alloc(10)).length, 1);
  assert.throws(() => d.push(spec("00 00 0000000b")), (e: unknown) => e instanceof LuaRpcFrameTooLargeError && e.size === 11 && e.code === "ERR_LUA_RPC_FRAME_TOO_LARGE");
  assert.throws(() => d.push(Buffer.alloc(1)), LuaRpcFrameTooLargeError);
  for (const size of ["80000000", "ffffffff", "01000001"]) {
    assert.throws(() => new FrameDecoder().push(spec(`01 00 ${size}`)), LuaRpcFrameTooLargeError);
  }
  assert.throws(() => new FrameDecoder().push(spec("05 00 00000000")), (e: unknown) => e instanceof LuaRpcProtocolError && e.code === "ERR_LUA_RPC_PROTOCOL");
  assert.throws(() => new FrameDecoder().push(spec("01 00 00000000")), /without status/);
});
