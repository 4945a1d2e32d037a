/**
 * `purezmq trace` under hostile peers, as a child process on loopback, at a
 * scale that proves each bound (`fuzz/attacks/cli.ts` runs them at full
 * scale): a message of 200,000 empty parts, a value nested 100,000 deep, a
 * self-referencing Lua table, escape sequences, and a frame larger than
 * anything the tracer keeps. The relayed octets must arrive unchanged, the
 * tracer must stay within its memory, and it must keep decoding.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { encodeCallFrame } from "../../src/lua-rpc/index.js";
import { luaovermq } from "../../src/rpc/index.js";
import { FLAG_MORE, encodeFrame } from "../../src/zmtp/wire/index.js";
import {
  CountingSink, emptyParts, nestedRequest, peakRss, sendThrough, sha256, startTracer, traceEvents, zmtpOpening, type Tracer,
} from "./cli-hostile-peers.js";

/** Peak memory allowed to the tracer through the flood (it held every part before: 178 MiB at this scale). */
const TRACER_CEILING = 128 * 1024 * 1024;

type TraceEvent = Record<string, unknown>;

function waitEvent(t: Tracer, pick: (e: TraceEvent) => boolean, what: string): Promise<TraceEvent> {
  return t.proc.waitFor(() => traceEvents(t).find(pick), what, 20_000);
}

const methodOf = (e: TraceEvent): unknown => (e.decoded as { method?: unknown } | undefined)?.method;
const partsOf = (e: TraceEvent): number => (e.frames as unknown[]).length + ((e.omitted as { parts?: number } | undefined)?.parts ?? 0);

describe("purezmq trace against hostile peers (ZMTP)", () => {
  let sink: CountingSink;
  let tracer: Tracer;

  before(async () => {
    sink = new CountingSink();
    tracer = await startTracer(await sink.listen());
  });
  after(async () => {
    await tracer.proc.stop();
    sink.close();
  });

  test("200,000 empty parts in one message: relayed intact, summarised, memory bounded, another client served meanwhile", async () => {
    const parts = 200_000;
    const flood = Buffer.concat([zmtpOpening(), emptyParts(parts)]);
    const sending = sendThrough(tracer.port, flood);
    const request = luaovermq.encodeRequest("add", [2, 3]);
    await sendThrough(tracer.port, Buffer.concat([zmtpOpening(), encodeFrame(Buffer.alloc(0), FLAG_MORE), encodeFrame(request)]));
    await waitEvent(tracer, (e) => methodOf(e) === "add", "the other client's request");
    await sending;
    const message = await waitEvent(tracer, (e) => e.type === "message" && partsOf(e) === parts + 1, "the flood, summarised");
    assert.equal((message.frames as unknown[]).length, 64, "the first 64 parts listed");
    assert.deepEqual(message.omitted, { parts: parts + 1 - 64, octets: 0 });
    assert.ok(await sink.arrived(sha256(flood)), "the flood reached the server unchanged");
    const peak = peakRss(tracer.proc.child.pid!);
    if (peak !== undefined) assert.ok(peak < TRACER_CEILING, `tracer peak memory ${peak} octets`);
  });

  test("a value nested 100,000 deep is shown as frames only (over the codec's nesting bound), and the next message is decoded", async () => {
    const data = Buffer.concat([zmtpOpening(), encodeFrame(nestedRequest("deep", 100_000)), encodeFrame(luaovermq.encodeRequest("next", [1]))]);
    await sendThrough(tracer.port, data);
    await waitEvent(tracer, (e) => methodOf(e) === "next", "the message after the deep one");
    const deep = traceEvents(tracer).find((e) => e.type === "message" && partsOf(e) === 1 && (e.frames as Array<{ size: number }>)[0]!.size > 100_000);
    assert.ok(deep, "the deep message reported");
    assert.equal(deep.decoded, undefined, "not decoded: msgpack nesting is bounded at 100 levels");
    assert.ok(JSON.stringify(deep).length < 2000, "only a preview of the frame is shown");
  });

  test("a malformed command is a violation of that frame; decoding goes on at the next frame", async () => {
    const badCommand = encodeFrame(Buffer.from([200, 0x41]), 0x04);
    await sendThrough(tracer.port, Buffer.concat([zmtpOpening(), badCommand, encodeFrame(luaovermq.encodeRequest("resynced", []))]));
    await waitEvent(tracer, (e) => methodOf(e) === "resynced", "the request after the bad command");
    const violation = traceEvents(tracer).find((e) => e.type === "violation" && /command name runs past/.test(String(e.error)));
    assert.ok(violation, "the bad command reported");
    assert.equal(violation.stopped, undefined, "decoding did not stop");
  });

  test("a 4 MiB frame passes intact while the tracer keeps only its preview", async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x5a);
    const data = Buffer.concat([zmtpOpening(), encodeFrame(big), encodeFrame(luaovermq.encodeRequest("small", []))]);
    await sendThrough(tracer.port, data);
    await waitEvent(tracer, (e) => methodOf(e) === "small", "the request after the big frame");
    const bigMessage = traceEvents(tracer).find((e) => e.type === "message" && (e.frames as Array<{ size: number }>)[0]!.size === big.length)!;
    assert.equal((bigMessage.frames as Array<{ hex: string }>)[0]!.hex, "5a".repeat(24));
    assert.equal(bigMessage.decoded, undefined);
    assert.ok(await sink.arrived(sha256(data)), "the frames reached the server unchanged");
  });

  test("bad frame flags are a violation of that frame only: the size still delimits it, and the next frame is decoded", async () => {
    const data = Buffer.concat([zmtpOpening(), Buffer.from([0xf0, 0x01, 0x00]), encodeFrame(luaovermq.encodeRequest("after-flags", []))]);
    await sendThrough(tracer.port, data);
    assert.ok(await sink.arrived(sha256(data)), "the octets reached the server unchanged");
    await waitEvent(tracer, (e) => methodOf(e) === "after-flags", "the request after the bad flags");
    const violation = traceEvents(tracer).find((e) => e.type === "violation" && /reserved bits/.test(String(e.error)));
    assert.ok(violation, "the bad flags reported");
    assert.equal(violation.stopped, undefined, "decoding did not stop");
  });

  test("a frame size no stream can hold ends decoding of that direction once, with a reason; octets are still relayed", async () => {
    const huge = Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const data = Buffer.concat([zmtpOpening(), huge, encodeFrame(luaovermq.encodeRequest("unseen", []))]);
    await sendThrough(tracer.port, data);
    assert.ok(await sink.arrived(sha256(data)), "the octets reached the server unchanged");
    const violation = await waitEvent(tracer, (e) => e.type === "violation" && /larger than any buffer/.test(String(e.error)), "the violation");
    assert.equal(violation.stopped, true);
    await waitEvent(tracer, (e) => e.type === "close" && e.conn === violation.conn, "the close");
    assert.ok(!traceEvents(tracer).some((e) => methodOf(e) === "unseen"));
  });
});

describe("purezmq trace --lua against hostile peers", () => {
  test("a self-referencing table is shown with the cycle marked, and the next call is decoded", async () => {
    const sink = new CountingSink();
    const tracer = await startTracer(await sink.listen(), ["--lua"]);
    try {
      const table: Record<string, unknown> = { name: "loop" };
      table.self = table;
      const garbledThenFine = Buffer.concat([
        encodeCallFrame(1, "cyclic", [table]),
        // A call whose payload is not luatobin: a violation of that frame only.
        Buffer.from([0, 2, 0, 0, 0, 2, 0xee, 0xee]),
        encodeCallFrame(3, "after", [1]),
      ]);
      await sendThrough(tracer.port, garbledThenFine);
      const afterCall = await waitEvent(tracer, (e) => (e.detail as { name?: string } | undefined)?.name === "after", "the call after");
      assert.deepEqual(afterCall.detail, { name: "after", args: [1] });
      const cyclic = traceEvents(tracer).find((e) => (e.detail as { name?: string } | undefined)?.name === "cyclic")!;
      assert.deepEqual(cyclic.detail, { name: "cyclic", args: [{ name: "loop", self: "…(cycle)" }] });
      assert.equal(traceEvents(tracer).filter((e) => e.type === "violation").length, 1);
    } finally {
      await tracer.proc.stop();
      sink.close();
    }
  });
});
