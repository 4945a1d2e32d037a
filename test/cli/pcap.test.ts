/**
 * `trace --pcap` on capture files built octet by octet: every link type,
 * IPv4 and IPv6, pcap in both byte orders and pcapng give the events the
 * taps give for the same two byte streams; segments out of order,
 * retransmitted and overlapping change nothing; connections interleave;
 * a missing segment is said; and the reader refuses truncated files and
 * bogus lengths with a clear error, whatever it is fed (a property).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import fc from "fast-check";
import { TracedConnection, type TapFactory } from "../../src/cli/trace/connection.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { LuaTap } from "../../src/cli/trace/lua-tap.js";
import { CaptureError, CaptureReader, MAX_BLOCK } from "../../src/cli/trace/pcap/capture-reader.js";
import { summaryNotes, traceCaptureChunks } from "../../src/cli/trace/pcap/capture-trace.js";
import { ipv6Text } from "../../src/cli/trace/pcap/packet.js";
import { MAX_FLOWS, MAX_WAITING_SEGMENTS } from "../../src/cli/trace/pcap/reassembly.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import { encodeCallFrame, encodeResponseFrame } from "../../src/lua-rpc/index.js";
import { luaovermq } from "../../src/rpc/index.js";
import { FLAG_COMMAND, FLAG_MORE, encodeFrame, encodeGreeting, encodeReady } from "../../src/zmtp/wire/index.js";
import {
  LINK, conversation, framesOf, pcapFile, pcapngBlock, pcapngFile, type Connection, type Segment,
} from "./capture-bytes.js";
import { runCli } from "./cli-process.js";

const zmtpTaps: TapFactory = (conn, dir, report) => new ZmtpTap(conn, dir, report);

/** What a DEALER sends: greeting, READY, an RPC request. */
const TO_SERVER = Buffer.concat([
  encodeGreeting("NULL", false),
  encodeFrame(encodeReady([["Socket-Type", "DEALER"], ["Identity", ""]]), FLAG_COMMAND),
  encodeFrame(Buffer.alloc(0), FLAG_MORE),
  encodeFrame(luaovermq.encodeRequest("add", [2, "x".repeat(400)])),
]);
/** What a ROUTER answers. */
const TO_CLIENT = Buffer.concat([
  encodeGreeting("NULL", false),
  encodeFrame(encodeReady([["Socket-Type", "ROUTER"]]), FLAG_COMMAND),
  ...luaovermq.encodeReply("y".repeat(300)).map((part, i, all) => encodeFrame(part, i < all.length - 1 ? FLAG_MORE : 0)),
]);

const V4: Connection = { client: { ip: "127.0.0.1", port: 40001 }, server: { ip: "127.0.0.1", port: 5555 }, clientIsn: 1000, serverIsn: 0xfffffff0 };
const V6: Connection = { client: { ip: "::1", port: 40002 }, server: { ip: "::1", port: 5555 }, clientIsn: 0xffffff00, serverIsn: 7 };

/** The events of the taps fed the two streams whole, as connection `conn` from `peer`. */
function expected(toServer: Buffer, toClient: Buffer, peer: string, conn = 1, makeTap = zmtpTaps): TraceEvent[] {
  const events: TraceEvent[] = [];
  const traced = new TracedConnection(conn, peer, makeTap, (e) => events.push(e));
  traced.push("c>s", toServer);
  traced.push("s>c", toClient);
  traced.close();
  return events;
}

/** The events of a capture. */
function traced(file: Buffer | Buffer[], makeTap = zmtpTaps): TraceEvent[] {
  const events: TraceEvent[] = [];
  traceCaptureChunks(Array.isArray(file) ? file : [file], makeTap, (e) => events.push(e));
  return events;
}

/** Events of one connection, each direction in its order (how two directions interleave depends on the packets). */
function byDirection(events: TraceEvent[], conn = 1): Record<string, TraceEvent[]> {
  const mine = events.filter((e) => e.conn === conn);
  return {
    open: mine.filter((e) => e.type === "open"),
    "c>s": mine.filter((e) => "dir" in e && e.dir === "c>s"),
    "s>c": mine.filter((e) => "dir" in e && e.dir === "s>c"),
    close: mine.filter((e) => e.type === "close"),
  };
}

describe("trace --pcap on built captures", () => {
  const want = byDirection(expected(TO_SERVER, TO_CLIENT, "127.0.0.1:40001"));

  test("the taps' events, for every link type and file format", () => {
    assert.ok(want["c>s"]!.some((e) => e.type === "message" && e.decoded?.rpc === "request"), "the request is decoded");
    assert.ok(want["s>c"]!.some((e) => e.type === "message" && e.decoded?.rpc === "reply"), "the reply is decoded");
    const segments = conversation(V4, TO_SERVER, TO_CLIENT);
    for (const [name, link] of Object.entries(LINK)) {
      const frames = framesOf(V4, segments, link);
      for (const [format, file] of [
        ["pcap", pcapFile(link, frames)],
        ["pcap big-endian, nanoseconds", pcapFile(link, frames, { bigEndian: true, nano: true })],
        ["pcapng", pcapngFile(link, frames)],
        ["pcapng big-endian", pcapngFile(link, frames, { bigEndian: true })],
        ["pcapng simple packets", pcapngFile(link, frames, { simple: true })],
      ] as const) {
        assert.deepEqual(byDirection(traced(file)), want, `${name}, ${format}`);
      }
    }
  });

  test("IPv6, with sequence numbers wrapping past 2^32", () => {
    const file = pcapngFile(LINK.ethernet, framesOf(V6, conversation(V6, TO_SERVER, TO_CLIENT, 64), LINK.ethernet));
    assert.deepEqual(byDirection(traced(file)), byDirection(expected(TO_SERVER, TO_CLIENT, "::1:40002")));
  });

  test("segments out of order, retransmitted and overlapping give the same events", () => {
    const segments = conversation(V4, TO_SERVER, TO_CLIENT, 50);
    const [syn, synAck, ...rest] = segments;
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: rest.length, maxLength: rest.length }),
        fc.array(fc.record({ index: fc.nat(), cut: fc.nat(60) }), { maxLength: 12 }),
        (keys, extra) => {
          // Extra copies: whole retransmissions, and overlaps (the tail of a segment from `cut` on).
          const copies: Segment[] = extra.map(({ index, cut }) => {
            const s = rest[index % rest.length]!;
            const p = s.payload;
            return p && cut > 0 && cut < p.length ? { ...s, seq: (s.seq + cut) >>> 0, payload: p.subarray(cut) } : s;
          });
          const shuffled = [...rest, ...copies].map((s, i) => ({ s, k: keys[i % keys.length]! * 1000 + i })).sort((a, b) => a.k - b.k).map((x) => x.s);
          const file = pcapFile(LINK.ethernet, framesOf(V4, [syn!, synAck!, ...shuffled], LINK.ethernet));
          assert.deepEqual(byDirection(traced(file)), want);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("interleaved connections are followed apart, numbered by their SYN, Lua RPC too", () => {
    const other: Connection = { client: { ip: "10.0.0.2", port: 50000 }, server: { ip: "10.0.0.1", port: 1999 }, clientIsn: 5, serverIsn: 9 };
    const call = encodeCallFrame(7, "math.max", [1, 2]);
    const response = encodeResponseFrame(7, 0, [2]);
    const a = conversation(V4, TO_SERVER, TO_CLIENT, 30);
    const b = conversation(other, call, response, 3);
    const mixed: Buffer[] = [];
    const fa = framesOf(V4, a, LINK.sll2);
    const fb = framesOf(other, b, LINK.sll2);
    for (let i = 0; i < Math.max(fa.length, fb.length); i++) mixed.push(...(fa[i] ? [fa[i]!] : []), ...(fb[i] ? [fb[i]!] : []));
    const zmtp = traced(pcapFile(LINK.sll2, mixed));
    assert.deepEqual(byDirection(zmtp, 1), want);
    const lua: TapFactory = (conn, dir, report) => new LuaTap(conn, dir, report);
    const luaEvents = traced(pcapFile(LINK.sll2, mixed), lua);
    assert.deepEqual(byDirection(luaEvents, 2), byDirection(expected(call, response, "10.0.0.2:50000", 2, lua), 2));
    assert.deepEqual(luaEvents.filter((e) => e.type === "lua").map((e) => e.type === "lua" && `${e.dir} ${e.kind}`).sort(), ["c>s call", "s>c response"]);
  });

  test("a segment missing from the capture is said, and the direction's decoding stops there", () => {
    const segments = conversation(V4, TO_SERVER, TO_CLIENT, 50);
    const lost = segments.findIndex((s) => s.from === "c" && s.payload && s.seq > V4.clientIsn + 100);
    const events = traced(pcapFile(LINK.ethernet, framesOf(V4, segments.filter((_, i) => i !== lost), LINK.ethernet)));
    const violation = events.find((e) => e.type === "violation");
    assert.deepEqual(violation && { ...violation, error: violation.error.replace(/\d+ octets received/, "N octets received") }, {
      type: "violation", conn: 1, dir: "c>s", stopped: true,
      error: "the capture misses octets of this direction (a segment before N octets received was never captured)",
    });
    assert.deepEqual(events.at(-1), { type: "close", conn: 1, reason: "the capture ends before the connection does" });
    assert.deepEqual(byDirection(events)["s>c"], want["s>c"], "the other direction is whole");
  });

  test("out-of-order octets beyond the bound end the direction's decoding, not the process", () => {
    const segments = conversation(V4, Buffer.alloc(60_000, 1), Buffer.alloc(0), 40);
    // The first data segment never arrives: everything after it waits.
    const events = traced(pcapFile(LINK.ethernet, framesOf(V4, segments.filter((_, i) => i !== 3), LINK.ethernet)));
    const violations = events.filter((e) => e.type === "violation");
    assert.equal(violations.length, 1);
    assert.match(violations[0]!.type === "violation" ? violations[0]!.error : "", new RegExp(`or ${MAX_WAITING_SEGMENTS} segments wait`));
  });

  test("a reset closes the connection with who reset it; a cut segment (snaplen) is said", () => {
    const segments = conversation(V4, TO_SERVER, TO_CLIENT, 80).slice(0, 6);
    segments.push({ from: "s", seq: V4.serverIsn + 1, rst: true });
    const events = traced(pcapFile(LINK.ethernet, framesOf(V4, segments, LINK.ethernet)));
    assert.deepEqual(events.at(-1), { type: "close", conn: 1, reason: "reset by the server" });
    // A capture of 100 octets per packet: segments lose their tails.
    const cut = pcapFile(LINK.ethernet, framesOf(V4, conversation(V4, TO_SERVER, TO_CLIENT, 200), LINK.ethernet), { snaplen: 100 });
    const violations = traced(cut).filter((e) => e.type === "violation");
    assert.deepEqual(violations.map((e) => e.type === "violation" && [e.dir, e.error]), [
      ["c>s", "the capture holds only 46 of the 200 octets of a segment (its snaplen is too small)"],
      ["s>c", "the capture holds only 46 of the 200 octets of a segment (its snaplen is too small)"],
    ]);
  });

  test("connections past the bound are counted and said, not followed", () => {
    const syns = Array.from({ length: MAX_FLOWS + 3 }, (_, i) => {
      const c: Connection = { ...V4, client: { ip: "10.1.0.1", port: 1024 + i } };
      return framesOf(c, [{ from: "c", seq: 1, syn: true }], LINK.raw)[0]!;
    });
    const summary = traceCaptureChunks([pcapFile(LINK.raw, syns)], zmtpTaps, () => undefined);
    assert.equal(summary.skippedConnections, 3);
    assert.deepEqual(summaryNotes(summary), [`3 connections were not followed: more than ${MAX_FLOWS} were open at once`]);
  });

  test("the command prints what a truncated capture held, then fails with status 1 and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "purezmq-pcap-"));
    try {
      const file = join(dir, "cut.pcap");
      const whole = pcapFile(LINK.ethernet, framesOf(V4, conversation(V4, TO_SERVER, TO_CLIENT), LINK.ethernet));
      writeFileSync(file, whole.subarray(0, whole.length - 5));
      const r = await runCli(["trace", "--pcap", file]);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /^#1 open from 127\.0\.0\.1:40001$/m);
      assert.match(r.stdout, /^#1 c>s message .* => request add/m);
      assert.match(r.stderr, /trace: .*cut\.pcap: the capture file is truncated: it ends \d+ octets into the record at offset \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("IPv6 addresses are written as Node writes a socket's", () => {
    const text = (hex: string): string => ipv6Text(Buffer.from(hex, "hex"));
    assert.equal(text("00000000000000000000000000000001"), "::1");
    assert.equal(text("20010db8000000000001000000000001"), "2001:db8::1:0:0:1");
    assert.equal(text("00000000000000000000ffff7f000001"), "::ffff:127.0.0.1");
    assert.equal(text("fe800000000000000000000000000000"), "fe80::");
    assert.equal(text("20010db8000100020003000400050006"), "2001:db8:1:2:3:4:5:6");
  });
});

describe("the capture reader refuses broken files", () => {
  const frames = framesOf(V4, conversation(V4, TO_SERVER, TO_CLIENT), LINK.ethernet);
  const good = pcapFile(LINK.ethernet, frames);
  const goodNg = pcapngFile(LINK.ethernet, frames);

  /** The error reading `file` gives. */
  function refusal(file: Buffer): string {
    try {
      traced(file);
    } catch (err) {
      assert.ok(err instanceof CaptureError, String(err));
      return err.message;
    }
    return "accepted";
  }

  test("empty, not a capture, truncated anywhere", () => {
    assert.equal(refusal(Buffer.alloc(0)), "the capture file is empty");
    assert.equal(refusal(good.subarray(0, 10)), "the capture file ends inside its header");
    assert.match(refusal(Buffer.from("GET / HTTP/1.1\r\n\r\n")), /^not a pcap or pcapng file \(it starts with 0x47455420\)$/);
    assert.match(refusal(good.subarray(0, good.length - 3)), /^the capture file is truncated: it ends \d+ octets into the record at offset \d+$/);
    assert.match(refusal(goodNg.subarray(0, goodNg.length - 1)), /^the capture file is truncated/);
  });

  test("bogus lengths: a record past the snaplen, a huge snaplen, a pcapng block of a bad size", () => {
    const bogus = Buffer.from(good);
    bogus.writeUInt32LE(0xffffffff, 24 + 8);
    assert.match(refusal(bogus), /^bogus length at offset 24: a record of 4294967295 octets in a capture of at most 262144 per packet$/);
    // A snaplen of 4 GiB does not raise the bound.
    const huge = pcapFile(LINK.ethernet, [Buffer.alloc(300_000)], { snaplen: 0xffffffff });
    assert.match(refusal(huge), /a record of 300000 octets in a capture of at most 262144 per packet/);
    for (const length of [0, 13, 0xfffffffc, MAX_BLOCK + 4]) {
      const ng = Buffer.from(goodNg);
      ng.writeUInt32LE(length, 4);
      assert.match(refusal(ng), /^bogus length at offset 0: a pcapng block of \d+ octets/, `block length ${length}`);
    }
    const trailer = Buffer.from(goodNg);
    trailer.writeUInt32LE(1, trailer.readUInt32LE(4) - 4);
    assert.match(refusal(trailer), /says \d+ octets at its head and 1 at its end/);
    const noInterface = Buffer.concat([goodNg.subarray(0, goodNg.readUInt32LE(4)), pcapngBlock(6, Buffer.alloc(24), false)]);
    assert.match(refusal(noInterface), /names interface 0, which no block described/);
  });

  test("any chunking gives the same events, and any damage gives events or a CaptureError (property)", () => {
    const whole = traced(good);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.constantFrom(0, 1, 0xff, 0x7fffffff, 0xffffffff, 262_145) }), { maxLength: 3 }),
        fc.option(fc.nat()),
        (ng, cuts, overwrites, truncate) => {
          const file = Buffer.from(ng ? goodNg : good);
          if (overwrites.length === 0 && truncate === null) {
            const points = [...new Set(cuts.map((c) => c % file.length))].sort((a, b) => a - b);
            const chunks = [0, ...points].map((p, i, all) => file.subarray(p, all[i + 1] ?? file.length));
            assert.deepEqual(traced(chunks), whole);
            return;
          }
          for (const { at, value } of overwrites) file.writeUInt32LE(value >>> 0, Math.min(at % file.length, file.length - 4));
          const damaged = truncate === null ? file : file.subarray(0, truncate % file.length);
          const reader = new CaptureReader(() => undefined);
          try {
            reader.push(damaged);
            reader.end();
          } catch (err) {
            if (!(err instanceof CaptureError)) throw err;
          }
          try {
            traced(damaged);
          } catch (err) {
            if (!(err instanceof CaptureError)) throw err;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
