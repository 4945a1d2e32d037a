/**
 * The tracer's decoders and the count line of long commands, in process:
 * the ZMTP tap fed scripted octets in any chunking, metadata names kept as
 * sent, RPC recognition behind envelopes, and when the count line shows.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ZmtpTap, decodeRpc } from "../../src/cli/trace/zmtp-tap.js";
import { LuaTap } from "../../src/cli/trace/lua-tap.js";
import { encodeCallFrame } from "../../src/lua-rpc/index.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { ProgressLine, REDRAW_MS } from "../../src/cli/progress.js";
import { luaovermq } from "../../src/rpc/index.js";
import {
  FLAG_COMMAND, FLAG_MORE, decodeMetadata, decodeProperties, encodeCommand, encodeError, encodeFrame, encodeGreeting, encodeLibzmqError,
  encodeMetadata, encodeReady, encodeSubscribe,
} from "../../src/zmtp/wire/index.js";

/** One direction of a NULL session: greeting, READY with mixed-case names, a SUBSCRIBE, an RPC request behind an envelope. */
function session(): Buffer {
  return Buffer.concat([
    encodeGreeting("NULL", false),
    encodeFrame(encodeReady([["sOcKeT-tYpE", "DEALER"], ["X-Trace-Id", "abc"], ["Identity", ""]]), FLAG_COMMAND),
    encodeFrame(encodeSubscribe(Buffer.from("news")), FLAG_COMMAND),
    encodeFrame(Buffer.from("id-7"), FLAG_MORE),
    encodeFrame(Buffer.alloc(0), FLAG_MORE),
    encodeFrame(luaovermq.encodeRequest("echo", ["x".repeat(300)])),
  ]);
}

/** Feeds `chunks` to a fresh tap; returns what it reported. */
function tap(chunks: Buffer[]): TraceEvent[] {
  const seen: TraceEvent[] = [];
  const t = new ZmtpTap(3, "c>s", (e) => seen.push(e));
  for (const c of chunks) t.push(c);
  return seen;
}

/** Cuts `buf` at the given offsets. */
function cut(buf: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (buf.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, buf.length]) {
    chunks.push(buf.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe("ZmtpTap", () => {
  test("reports greeting, READY names as sent, SUBSCRIBE and the RPC request", () => {
    const events = tap([session()]);
    assert.deepEqual(events.slice(0, 3), [
      { type: "greeting", conn: 3, dir: "c>s", version: "3.1", mechanism: "NULL", asServer: false },
      { type: "command", conn: 3, dir: "c>s", name: "READY", detail: { metadata: { "sOcKeT-tYpE": "DEALER", "X-Trace-Id": "abc", Identity: "" } } },
      { type: "command", conn: 3, dir: "c>s", name: "SUBSCRIBE", detail: { topic: "6e657773", text: "news" } },
    ]);
    const message = events[3] as Extract<TraceEvent, { type: "message" }>;
    assert.equal(events.length, 4);
    assert.deepEqual(message.frames.map((f) => [f.size, f.flags]), [[4, ["MORE"]], [0, ["MORE"]], [message.frames[2]!.size, ["LONG"]]]);
    assert.ok(message.frames[2]!.size > 255);
    assert.equal(message.frames[2]!.hex.length, 48, "24 octets previewed");
    assert.deepEqual(message.decoded, { rpc: "request", method: "echo", args: ["x".repeat(300)] });
  });

  test("any chunking of the stream gives the same events", () => {
    const whole = session();
    const expected = tap([whole]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (offsets) => {
        assert.deepEqual(tap(cut(whole, offsets)), expected);
      }),
      { numRuns: 200 },
    );
  });

  test("bad flags are a violation of their frame alone: the size after them still delimits it", () => {
    const events = tap([
      encodeGreeting("NULL", false),
      Buffer.from([0x09, 0x02, 0xaa, 0xbb]),
      Buffer.from([0x05, 0x01, 0x00]),
      encodeFrame(luaovermq.encodeRequest("after", [])),
    ]);
    assert.deepEqual(events.slice(1).map((e) => (e.type === "violation" ? [e.error, e.stopped ?? false] : e.type)), [
      ["invalid frame flags 0x09: reserved bits set", false],
      ["invalid frame flags: a command frame cannot have MORE set", false],
      "message",
    ]);
    assert.deepEqual((events[3] as Extract<TraceEvent, { type: "message" }>).decoded, { rpc: "request", method: "after", args: [] });
  });

  test("a frame size no stream can hold is reported once, and decoding of the direction stops", () => {
    const huge = Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const events = tap([encodeGreeting("NULL", false), huge, encodeFrame(Buffer.from("after"))]);
    assert.equal(events.length, 2);
    assert.deepEqual(events[1], { type: "violation", conn: 3, dir: "c>s", error: "frame of 18446744073709551615 octets is larger than any buffer", stopped: true });
  });

  test("a malformed command is a violation of its frame alone: the next frames are decoded", () => {
    const events = tap([
      encodeGreeting("NULL", false),
      encodeFrame(Buffer.from([9, 0x41]), FLAG_COMMAND),
      encodeFrame(encodeCommand("READY", Buffer.from([3, 0x61])), FLAG_COMMAND),
      encodeFrame(luaovermq.encodeRequest("next", [])),
    ]);
    assert.deepEqual(events.slice(1).map((e) => e.type === "violation" ? e.error : e.type), [
      "command name runs past the end of its frame",
      "metadata property truncated",
      "message",
    ]);
  });

  test("libzmq's garbled PLAIN ERROR reads as a refusal, its form named", () => {
    const events = tap([encodeGreeting("PLAIN", true), encodeFrame(encodeLibzmqError("400"), FLAG_COMMAND)]);
    assert.deepEqual(events[1], {
      type: "command", conn: 3, dir: "c>s", name: "ERROR",
      detail: { reason: "400", refused: "ZAP status 400 (credentials refused)", form: "libzmq 4.3 (name written 5E 'RROR', not 05 'ERROR')" },
    });
  });

  test("an RFC 23 ERROR under CURVE is a refusal; a reason that is no ZAP status is shown alone", () => {
    const curve = tap([encodeGreeting("CURVE", true), encodeFrame(encodeError("500"), FLAG_COMMAND)]);
    assert.deepEqual(curve[1], { type: "command", conn: 3, dir: "c>s", name: "ERROR", detail: { reason: "500", refused: "ZAP status 500 (the server's authenticator failed)" } });
    const other = tap([encodeGreeting("NULL", true), encodeFrame(encodeError("bye"), FLAG_COMMAND)]);
    assert.deepEqual(other[1], { type: "command", conn: 3, dir: "c>s", name: "ERROR", detail: { reason: "bye" } });
  });

  test("a message of many parts lists 64 and counts the rest; a huge command is named, not decoded", () => {
    const parts = Array.from({ length: 100 }, (_, i) => encodeFrame(Buffer.alloc(i), i < 99 ? FLAG_MORE : 0));
    const bigCommand = encodeFrame(encodeCommand("SUBSCRIBE", Buffer.alloc(100_000)), FLAG_COMMAND);
    const events = tap([encodeGreeting("NULL", false), ...parts, bigCommand]);
    const message = events[1] as Extract<TraceEvent, { type: "message" }>;
    assert.equal(message.frames.length, 64);
    assert.deepEqual(message.omitted, { parts: 36, octets: Array.from({ length: 36 }, (_, i) => 64 + i).reduce((a, b) => a + b) });
    assert.deepEqual(events[2], { type: "command", conn: 3, dir: "c>s", name: "SUBSCRIBE", detail: { size: 100_000, decoded: false } });
  });

  test("PLAIN HELLO: user name shown, password neither shown nor measured", () => {
    const hello = Buffer.concat([Buffer.from([5]), Buffer.from("alice"), Buffer.from([12]), Buffer.from("very-secret!")]);
    const events = tap([encodeGreeting("PLAIN", false), encodeFrame(encodeCommand("HELLO", hello), FLAG_COMMAND)]);
    assert.deepEqual(events[1], { type: "command", conn: 3, dir: "c>s", name: "HELLO", detail: { username: "alice", password: "***" } });
    assert.doesNotMatch(JSON.stringify(events), /very-secret|12/);
  });
});

describe("LuaTap", () => {
  /** Feeds `chunks` to a fresh Lua tap; returns what it reported. */
  function luaTap(chunks: Buffer[]): TraceEvent[] {
    const seen: TraceEvent[] = [];
    const t = new LuaTap(5, "s>c", (e) => seen.push(e));
    for (const c of chunks) t.push(c);
    return seen;
  }
  const stream = Buffer.concat([
    encodeCallFrame(1, "math.max", [1, 2.5, { k: "v" }]),
    Buffer.from([1, 1, 0, 0, 0, 0]), // a response without its status octet: that frame's violation
    encodeCallFrame(2, "x".repeat(300), []),
  ]);

  test("any chunking gives the same events; a bad frame does not stop the next", () => {
    const expected = luaTap([stream]);
    assert.deepEqual(expected.map((e) => (e.type === "lua" ? (e.detail as { name: string }).name.slice(0, 8) : e.type)), ["math.max", "violation", "xxxxxxxx"]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (offsets) => {
        assert.deepEqual(luaTap(cut(stream, offsets)), expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe("decodeRpc", () => {
  test("finds the request after a ROUTER envelope and replies after a REQ delimiter", () => {
    const req = luaovermq.encodeRequest("add", [1, 2]);
    assert.deepEqual(decodeRpc([Buffer.from([0, 0, 0, 0, 1]), Buffer.alloc(0), req]), { rpc: "request", method: "add", args: [1, 2] });
    assert.deepEqual(decodeRpc([Buffer.alloc(0), ...luaovermq.encodeErrorReply("no")]), { rpc: "reply", status: "ERROR", message: "no" });
    assert.equal(decodeRpc([Buffer.from("not"), Buffer.from("rpc"), Buffer.from("at all")]), undefined);
  });
});

describe("decodeProperties", () => {
  const name = fc.stringMatching(/^[A-Za-z0-9.+_-]{1,20}$/);
  const props = fc.array(fc.tuple(name, fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a))), { maxLength: 6 });

  test("gives back names in their case, in order, and agrees with decodeMetadata", () => {
    fc.assert(
      fc.property(props, (list) => {
        const data = encodeMetadata(list);
        assert.deepEqual(decodeProperties(data), list);
        const expected = new Map<string, Buffer>();
        for (const [n, v] of list) expected.set(n.toLowerCase(), v);
        assert.deepEqual(decodeMetadata(data), expected);
      }),
    );
  });

  test("refuses a truncated value", () => {
    const data = encodeMetadata([["Socket-Type", "ROUTER"]]);
    assert.throws(() => decodeProperties(data.subarray(0, data.length - 1)), /"Socket-Type" value truncated/);
  });
});

describe("ProgressLine", () => {
  function stream(isTTY: boolean): { isTTY: boolean; written: string[]; write(s: string): boolean } {
    const written: string[] = [];
    return { isTTY, written, write: (s) => (written.push(s), true) };
  }

  test("counts on a terminal while the output goes elsewhere, redrawing at most every REDRAW_MS", () => {
    const err = stream(true);
    let now = 1000;
    const p = new ProgressLine(err, false, "messages", () => now);
    assert.equal(p.enabled, true);
    p.tick();
    p.tick();
    now += REDRAW_MS;
    p.tick();
    p.end();
    assert.deepEqual(err.written, ["\r1 messages", "\r3 messages", "\r3 messages\n"]);
    assert.equal(p.count, 3);
  });

  test("stays quiet when stderr is piped, or when the output shares the terminal", () => {
    for (const [errTTY, outTTY] of [[false, false], [false, true], [true, true]] as const) {
      const err = stream(errTTY);
      const p = new ProgressLine(err, outTTY, "messages");
      p.tick();
      p.end();
      assert.equal(p.enabled, false);
      assert.deepEqual(err.written, []);
      assert.equal(p.count, 1);
    }
  });

  test("writes nothing at the end when nothing was counted", () => {
    const err = stream(true);
    new ProgressLine(err, false, "messages").end();
    assert.deepEqual(err.written, []);
  });
});
