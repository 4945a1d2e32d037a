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

test("frame decoder: a frame sent one octet per read is gathered in linear time from a few buffers", () => {
  const args = [Buffer.alloc(60000, 1), Buffer.alloc(60000, 2), Buffer.alloc(60000, 3), Buffer.alloc(20000, 4)];
  const frame = encodeCallFrame(3, "x", args); // about 200 k octets
  const d = new FrameDecoder();
  const started = performance.now();
  for (let i = 0; i < frame.length - 1; i++) assert.deepEqual(d.push(frame.subarray(i, i + 1)), []);
  // Reads of a few octets are copied together: 16 KiB per buffer, not one buffer per read.
  assert.ok(d.bufferedChunks <= Math.ceil(frame.length / 16384) + 1, `${d.bufferedChunks} buffers for ${frame.length} octets`);
  const [f] = d.push(frame.subarray(frame.length - 1));
  const elapsed = performance.now() - started;
  assert.equal(hex(f!.payload), hex(frame.subarray(6)));
  assert.equal(d.buffered, 0);
  assert.equal(d.bufferedChunks, 0);
  // Gathering was quadratic in the number of reads: about 5 s here, against 0.1 s now.
  assert.ok(elapsed < 2000, `${elapsed.toFixed(0)} ms`);
});

test("frame decoder: payloads already returned survive later small reads into the same buffer", () => {
  const frames = Array.from({ length: 300 }, (_, i) => encodeCallFrame(i, "f", [i, "v".repeat(i % 50)]));
  const stream = Buffer.concat(frames);
  const d = new FrameDecoder();
  const got: Buffer[] = [];
  // Small and large reads mixed, cut anywhere.
  for (let at = 0, k = 0; at < stream.length; k++) {
    const n = k % 7 === 6 ? 2000 : 1 + (k * 37) % 23;
    got.push(...d.push(stream.subarray(at, at + n)).map((f) => f.payload));
    at += n;
  }
  assert.deepEqual(got.map(hex), frames.map((f) => hex(f.subarray(6))));
});
