/**
 * ZMTP framing (RFC 23 "Framing"): the decoder's flag checks, the
 * short/long size forms, limits enforced before buffering, zero-copy
 * slices, and the encoder's output decoding back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FRAME_BODY_LIMIT, FrameDecoder, FrameEncoder, ZmtpProtocolError, encodeFrame,
} from "../../../src/zmtp/wire/index.js";
import { bytewise, cutsArb, decodeAll, hex, splitAt } from "./chunks.js";

/** A frame header in the short form. */
const shortHeader = (flags: number, size: number): Buffer => Buffer.from([flags, size]);

/** A frame header in the long form (8-octet size). */
function longHeader(flags: number, size: bigint): Buffer {
  const b = Buffer.alloc(9);
  b[0] = flags | FLAG_LONG;
  b.writeBigUInt64BE(size, 1);
  return b;
}

const isProto = (code: string) => (e: unknown): boolean => e instanceof ZmtpProtocolError && e.code === code;

test("every legal flag octet (00 01 02 03 04 06) decodes, whole and byte by byte", () => {
  const body = Buffer.from("abc");
  for (const flags of [0x00, 0x01, 0x02, 0x03, 0x04, 0x06]) {
    const wire = (flags & FLAG_LONG) !== 0 ? Buffer.concat([longHeader(flags, 3n), body]) : Buffer.concat([shortHeader(flags, 3), body]);
    for (const chunks of [[wire], bytewise(wire)]) {
      const frames = decodeAll(chunks);
      assert.equal(frames.length, 1);
      assert.equal(frames[0]!.flags, flags);
      assert.equal(frames[0]!.body.toString(), "abc");
    }
  }
});

test("any flag octet with a reserved bit (3-7) set is refused at once", () => {
  for (let flags = 0x08; flags <= 0xff; flags++) {
    if ((flags & 0xf8) === 0) continue;
    const dec = new FrameDecoder({ onFrame: () => assert.fail("no frame expected") });
    assert.throws(() => dec.push(Buffer.from([flags])), isProto("EPROTO"), `flags 0x${flags.toString(16)}`);
  }
});

test("COMMAND with MORE (05, 07) is refused", () => {
  for (const flags of [0x05, 0x07]) {
    const dec = new FrameDecoder({ onFrame: () => assert.fail("no frame expected") });
    assert.throws(() => dec.push(Buffer.from([flags, 0])), /command frame cannot have MORE/);
  }
});

test("the encoder switches from short to long form between 255 and 256 octets", () => {
  const f255 = encodeFrame(Buffer.alloc(255, 7));
  assert.equal(f255.length, 2 + 255);
  assert.equal(hex(f255.subarray(0, 2)), "00ff");
  const f256 = encodeFrame(Buffer.alloc(256, 7), FLAG_MORE);
  assert.equal(f256.length, 9 + 256);
  assert.equal(hex(f256.subarray(0, 9)), "030000000000000100");
  const cmd = encodeFrame(Buffer.alloc(300), FLAG_COMMAND);
  assert.equal(cmd[0], 0x06);
});

test("bodies of 0, 1, 255, 256 octets and 1 MiB decode under several chunkings", () => {
  for (const size of [0, 1, 255, 256, 1024 * 1024]) {
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = (i * 31) & 0xff;
    const wire = encodeFrame(body, FLAG_MORE);
    const chunkings = [[wire], splitAt(wire, [1, 2, 5, 9, 100, 70000]), splitAt(wire, [wire.length - 1])];
    if (size <= 256) chunkings.push(bytewise(wire));
    for (const chunks of chunkings) {
      const frames = decodeAll(chunks);
      assert.equal(frames.length, 1);
      assert.equal(frames[0]!.flags, size > 255 ? FLAG_MORE | FLAG_LONG : FLAG_MORE);
      assert.ok(frames[0]!.body.equals(body), `size ${size}`);
    }
  }
});

test("long-encoded small frames (sizes 0, 1, 255) are accepted", () => {
  for (const size of [0, 1, 255]) {
    const wire = Buffer.concat([longHeader(0, BigInt(size)), Buffer.alloc(size, 9)]);
    const frames = decodeAll(bytewise(wire));
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.body.length, size);
    assert.equal(frames[0]!.flags, FLAG_LONG);
  }
});

test("a frame inside one chunk is a zero-copy slice of that chunk", () => {
  const chunk = Buffer.concat([encodeFrame(Buffer.from("hello"), FLAG_MORE), encodeFrame(Buffer.alloc(300, 1))]);
  const got: Buffer[] = [];
  new FrameDecoder({ onFrame: (b) => got.push(b) }).push(chunk);
  assert.equal(got.length, 2);
  for (const b of got) assert.equal(b.buffer, chunk.buffer);
});

test("frames are plain Buffers at the right place, also when the chunk is a slice of a larger buffer", () => {
  const wire = Buffer.concat([encodeFrame(Buffer.from("hello"), FLAG_MORE), encodeFrame(Buffer.alloc(300, 7))]);
  // The chunk starts 3 octets into its ArrayBuffer, as pooled Buffers do.
  const backing = Buffer.alloc(wire.length + 5);
  wire.copy(backing, 3);
  const chunk = backing.subarray(3, 3 + wire.length);
  const got: Buffer[] = [];
  new FrameDecoder({ onFrame: (b) => got.push(b) }).push(chunk);
  assert.deepEqual(got, [Buffer.from("hello"), Buffer.alloc(300, 7)]);
  for (const b of got) {
    assert.equal(Object.getPrototypeOf(b), Buffer.prototype);
    assert.ok(Buffer.isBuffer(b) && b.constructor === Buffer);
  }
  assert.equal(got[0]!.byteOffset, 3 + 2);
  assert.equal(got[1]!.byteOffset, 3 + 7 + 9);
  // A view, not a copy: writing the chunk shows through.
  chunk[2] = 0x4a;
  assert.equal(got[0]!.toString(), "Jello");
  assert.ok(Buffer.isBuffer(got[0]!.subarray(1)));
});

test("maxFrameSize: a body of exactly the limit passes, one octet more fails with EMSGSIZE", () => {
  for (const limit of [0, 10, 255, 256, 1000]) {
    assert.equal(decodeAll([encodeFrame(Buffer.alloc(limit))], limit).length, 1);
    assert.throws(() => decodeAll([encodeFrame(Buffer.alloc(limit + 1))], limit), isProto("EMSGSIZE"));
    assert.throws(() => decodeAll(bytewise(encodeFrame(Buffer.alloc(limit + 1))), limit), isProto("EMSGSIZE"));
  }
});

test("maxFrameSize is enforced from the header alone, before any body octet arrives", () => {
  let frames = 0;
  const dec = new FrameDecoder({ onFrame: () => frames++ }, 1000);
  assert.throws(() => dec.push(Buffer.concat([longHeader(0, 1001n), Buffer.from([1])])), isProto("EMSGSIZE"));
  const dec1 = new FrameDecoder({ onFrame: () => frames++ }, 100);
  assert.throws(() => dec1.push(shortHeader(0, 255)), isProto("EMSGSIZE"));
  const dec2 = new FrameDecoder({ onFrame: () => frames++ }, 1000);
  // 4 GiB declared, three octets of it sent: must throw now, not wait or allocate.
  assert.throws(() => dec2.push(Buffer.concat([longHeader(0, 4n * 1024n ** 3n), Buffer.from([1, 2, 3])])), isProto("EMSGSIZE"));
  assert.equal(frames, 0);
});

test("without a limit, a huge declared size is not allocated up front: memory follows received octets", () => {
  const dec = new FrameDecoder({ onFrame: () => assert.fail("the frame is not complete") });
  const before = process.memoryUsage().arrayBuffers;
  // 3 GiB declared (under Node's buffer limit, so it is legal), 1 KiB sent.
  dec.push(Buffer.concat([longHeader(0, 3n * 1024n ** 3n), Buffer.alloc(1024, 1)]));
  dec.push(Buffer.alloc(1024, 2));
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 64 * 1024 * 1024, `grew by ${grown} octets`);
  assert.equal(dec.idle, false);
});

test("the fixed bound is 4 GiB on every runtime: exactly 2^32 is a legal size, 2^52 is not", () => {
  assert.equal(FRAME_BODY_LIMIT, 2 ** 32);
  assert.throws(() => new FrameDecoder({ onFrame: () => assert.fail("no frame") }).push(longHeader(0, 2n ** 52n)), isProto("EMSGSIZE"));
  const at = new FrameDecoder({ onFrame: () => assert.fail("the frame is not complete") });
  at.push(longHeader(0, 2n ** 32n));
  assert.equal(at.idle, false);
});

test("a large body spanning chunks is reassembled exactly", () => {
  const body = Buffer.alloc(200_000);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7 + 3) & 0xff;
  const wire = Buffer.concat([encodeFrame(Buffer.from("x"), FLAG_MORE), encodeFrame(body), encodeFrame(Buffer.from("y"))]);
  const frames = decodeAll(splitAt(wire, [4, 5, 6, 13, 65536, 65537, 131072, 199999]));
  assert.deepEqual(frames.map((f) => f.body.length), [1, 200_000, 1]);
  assert.ok(frames[1]!.body.equals(body));
});

test("sizes of 2^63-1, 2^64-1, 2^53 and 2^32+1 are refused cleanly with EMSGSIZE, without a limit set", () => {
  for (const size of [2n ** 63n - 1n, 2n ** 64n - 1n, 2n ** 53n, 2n ** 32n + 1n]) {
    const dec = new FrameDecoder({ onFrame: () => assert.fail("no frame expected") });
    assert.throws(() => dec.push(longHeader(0, size)), isProto("EMSGSIZE"), String(size));
    // The size arriving octet by octet is refused on its 8th octet.
    const dec2 = new FrameDecoder({ onFrame: () => assert.fail("no frame expected") });
    const h = longHeader(0, size);
    for (let i = 0; i < 8; i++) dec2.push(h.subarray(i, i + 1));
    assert.throws(() => dec2.push(h.subarray(8)), isProto("EMSGSIZE"));
  }
});

test("idle is true only between frames", () => {
  const dec = new FrameDecoder({ onFrame: () => {} });
  assert.equal(dec.idle, true);
  dec.push(Buffer.from([0x01]));
  assert.equal(dec.idle, false);
  dec.push(Buffer.from([0x02, 0x61]));
  assert.equal(dec.idle, false);
  dec.push(Buffer.from([0x62]));
  assert.equal(dec.idle, true);
});

test("maxFrameSize may change between frames (the engine raises it after the handshake)", () => {
  const frames: number[] = [];
  const dec = new FrameDecoder({ onFrame: (b) => {
    frames.push(b.length);
    dec.maxFrameSize = -1;
  } }, 10);
  dec.push(Buffer.concat([encodeFrame(Buffer.alloc(5)), encodeFrame(Buffer.alloc(500))]));
  assert.deepEqual(frames, [5, 500]);
});

test("the encoder batches a burst of messages into few buffers and sets MORE on all but the last part", () => {
  const enc = new FrameEncoder();
  for (let i = 0; i < 100; i++) enc.message([Buffer.from("a"), Buffer.from(String(i))]);
  assert.equal(enc.pendingBytes, 100 * 3 + 10 * 3 + 90 * 4);
  const bufs = enc.take();
  // A new encoder's chunks start small and grow: the first burst takes two.
  assert.equal(bufs.length, 2);
  assert.equal(enc.pendingBytes, 0);
  for (let i = 0; i < 100; i++) enc.message([Buffer.from("a"), Buffer.from(String(i))]);
  assert.equal(enc.take().length, 1, "once the chunks have grown, a burst is one buffer");
  const frames = decodeAll(bufs);
  assert.equal(frames.length, 200);
  for (let i = 0; i < 100; i++) {
    assert.equal(frames[2 * i]!.flags, FLAG_MORE);
    assert.equal(frames[2 * i + 1]!.flags, 0);
    assert.equal(frames[2 * i + 1]!.body.toString(), String(i));
  }
});

test("an encoder that only carries a handshake reserves no full-size chunk of its own", () => {
  // A peer that connects and leaves over and over must not cost the server
  // 64 KiB of off-heap memory per connection: small batches come from
  // Node's shared pool.
  const enc = new FrameEncoder();
  enc.raw(Buffer.alloc(64, 1));
  enc.command(Buffer.concat([Buffer.from("\x05READY"), Buffer.alloc(300, 2)]));
  const bufs = enc.take();
  assert.equal(decodeAll([Buffer.concat(bufs).subarray(64)]).length, 1);
  for (const b of bufs) assert.ok(b.buffer.byteLength <= Buffer.poolSize, `a ${b.buffer.byteLength}-octet chunk for a handshake`);
});

test("the encoder references large bodies instead of copying them", () => {
  const big = Buffer.alloc(100_000, 5);
  const enc = new FrameEncoder();
  enc.message([Buffer.from("h"), big]);
  const bufs = enc.take();
  assert.ok(bufs.includes(big));
  assert.ok(decodeAll(bufs)[1]!.body.equals(big));
});

test("the encoder accepts Uint8Array bodies that are not Buffers", () => {
  const u8 = new Uint8Array(20_000).fill(3);
  const frames = decodeAll([encodeFrame(u8.subarray(10), FLAG_MORE)]);
  assert.equal(frames[0]!.body.length, 19_990);
});

const messageArb = fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 6 });

test("property: encoded multipart messages and commands decode back under any chunking", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(messageArb.map((m) => ({ msg: m })), fc.uint8Array({ maxLength: 300 }).map((c) => ({ cmd: c }))), { maxLength: 8 }),
      cutsArb,
      (items, cuts) => {
        const enc = new FrameEncoder();
        const expected: { flags: number; body: string }[] = [];
        for (const it of items) {
          if ("cmd" in it) {
            enc.command(Buffer.from(it.cmd));
            expected.push({ flags: FLAG_COMMAND | (it.cmd.length > 255 ? FLAG_LONG : 0), body: hex(it.cmd) });
          } else {
            enc.message(it.msg.map((p) => Buffer.from(p)));
            it.msg.forEach((p, i) => expected.push({ flags: (i < it.msg.length - 1 ? FLAG_MORE : 0) | (p.length > 255 ? FLAG_LONG : 0), body: hex(p) }));
          }
        }
        const wire = Buffer.concat(enc.take());
        const got = decodeAll(splitAt(wire, cuts)).map((f) => ({ flags: f.flags, body: hex(f.body) }));
        assert.deepEqual(got, expected);
      },
    ),
  );
});

test("property: arbitrary octets under arbitrary chunking give frames or a ZmtpProtocolError, nothing else", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), cutsArb, fc.constantFrom(-1, 0, 16, 300), (bytes, cuts, limit) => {
      try {
        decodeAll(splitAt(Buffer.from(bytes), cuts), limit);
      } catch (e) {
        assert.ok(e instanceof ZmtpProtocolError, String(e));
      }
    }),
  );
});

// ---- what views may pin: a large read mostly of other things has its message frames copied out

/** A chunk of its own ArrayBuffer (never a pool slab), so that a view of it is told by its buffer. */
const ownChunk = (b: Buffer): Buffer => {
  const c = Buffer.alloc(b.length);
  b.copy(c);
  return c;
};

test("a large read dense with messages hands them out as views of itself", () => {
  const chunk = ownChunk(Buffer.concat(Array.from({ length: 200 }, (_, i) => encodeFrame(Buffer.alloc(100, i)))));
  assert.ok(chunk.length >= 8 * 1024);
  const got: Buffer[] = [];
  new FrameDecoder({ onFrame: (b) => got.push(b) }).push(chunk);
  assert.equal(got.length, 200);
  for (const b of got) assert.equal(b.buffer, chunk.buffer);
});

test("a large read that is mostly a command hands its small message out as a copy, the command as a view", () => {
  const chunk = ownChunk(Buffer.concat([encodeFrame(Buffer.from("tiny")), encodeFrame(Buffer.alloc(60 * 1024, 9), FLAG_COMMAND)]));
  const got: Buffer[] = [];
  new FrameDecoder({ onFrame: (b) => got.push(b) }).push(chunk);
  assert.equal(got[0]!.toString(), "tiny");
  assert.notEqual(got[0]!.buffer, chunk.buffer);
  assert.equal(got[1]!.buffer, chunk.buffer);
});

test("a large read that begins inside a frame's header or before its body is judged from that frame on", () => {
  // Bodies of 0x02 octets: a walk that lost its place reads one as a
  // long-form header of an impossible size and takes the read for sparse.
  const rest = Array.from({ length: 100 }, () => encodeFrame(Buffer.alloc(100, 2)));
  for (const first of [encodeFrame(Buffer.alloc(200, 2), FLAG_MORE), encodeFrame(Buffer.alloc(3000, 2), FLAG_MORE)]) {
    const wire = Buffer.concat([first, ...rest]);
    const header = first.length - (first.length > 210 ? 3000 : 200);
    for (let cut = 1; cut <= header; cut++) {
      const later = ownChunk(wire.subarray(cut));
      const got: Buffer[] = [];
      const dec = new FrameDecoder({ onFrame: (b) => got.push(b) });
      dec.push(ownChunk(wire.subarray(0, cut)));
      dec.push(later);
      assert.equal(got.length, 101);
      got.forEach((b, i) => assert.equal(b.buffer, later.buffer, `cut ${cut} of a ${header}-octet header: frame ${i} copied`));
    }
  }
});

test("property: message frames are views of a read of 8 KiB or more only when whole message frames fill an eighth of it", () => {
  const itemArb = fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.oneof(fc.nat({ max: 400 }), fc.nat({ max: 6000 })), { minLength: 1, maxLength: 3 }).map((sizes) => ({ parts: sizes })) },
    { weight: 1, arbitrary: fc.nat({ max: 24 * 1024 }).map((size) => ({ command: size })) },
  );
  fc.assert(
    // Cuts fall near frame starts, so that reads begin inside headers of either form as well as in bodies.
    fc.property(fc.array(itemArb, { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 })), { maxLength: 8 }), (items, cuts) => {
      // The wire, and where each frame's body lies in it.
      const pieces: Buffer[] = [];
      const bodies: Array<{ start: number; size: number; command: boolean }> = [];
      let at = 0;
      let fill = 0;
      const starts: number[] = [];
      const add = (size: number, flags: number): void => {
        const f = encodeFrame(Buffer.alloc(size, ++fill & 0xff), flags);
        starts.push(at);
        bodies.push({ start: at + f.length - size, size, command: (flags & FLAG_COMMAND) !== 0 });
        pieces.push(f);
        at += f.length;
      };
      for (const it of items) {
        if ("command" in it) add(it.command, FLAG_COMMAND);
        else it.parts.forEach((size, i) => add(size, i < it.parts.length - 1 ? FLAG_MORE : 0));
      }
      const wire = Buffer.concat(pieces);
      const points = [...new Set(cuts.map(([frame, off]) => Math.min(starts[frame % starts.length]! + off, wire.length)))].sort((a, b) => a - b);
      const bounds = [0, ...points, wire.length];
      const chunks = bounds.slice(1).map((end, i) => ({ start: bounds[i]!, chunk: ownChunk(wire.subarray(bounds[i]!, end)) }));
      const got: Buffer[] = [];
      const dec = new FrameDecoder({ onFrame: (b) => got.push(b) });
      for (const { chunk } of chunks) dec.push(chunk);
      assert.equal(got.length, bodies.length);
      for (const { start, chunk } of chunks) {
        const inside = bodies.map((b, i) => ({ ...b, i })).filter((b) => b.size > 0 && b.start >= start && b.start + b.size <= start + chunk.length);
        const kept = inside.filter((b) => !b.command).reduce((n, b) => n + b.size, 0);
        const sparse = chunk.length >= 8 * 1024 && kept < chunk.length / 8;
        for (const b of inside) {
          assert.equal(got[b.i]!.buffer === chunk.buffer, b.command || !sparse, `frame ${b.i} (${b.size} octets${b.command ? ", command" : ""}) in a chunk of ${chunk.length} keeping ${kept}`);
        }
      }
      got.forEach((body, i) => assert.ok(body.equals(Buffer.alloc(bodies[i]!.size, (i + 1) & 0xff))));
    }),
    { numRuns: 200 },
  );
});
