/**
 * `trace --pcap` on real captures: tcpdump records a connection through
 * the live tracer, and the capture decoded afterwards must give, connection
 * by connection and direction by direction, exactly what the live tracer
 * printed. libzmq REQ/REP, a purezmq client refused by a libzmq PLAIN
 * server (Linux cooked capture), and a Lua RPC session between purezmq
 * peers. The refusal is drawn too (`--svg`), live and from the capture.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as zmq from "zeromq";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { newClient, newMultiServer } from "../../src/lua-rpc/index.js";
import { luaovermq } from "../../src/rpc/index.js";
import { refusingPlainServer, withDeadline } from "../interop/peers.js";
import { runCli, startCli, type CliProcess } from "./cli-process.js";
import { removeCapture, startCapture, type Capture } from "./tcpdump.js";
import { xmlProblem } from "./xml-check.js";

/** Starts a tracer towards `to`; resolves with it and the port it listens on. */
async function startTrace(to: string, ...extra: string[]): Promise<{ trace: CliProcess; port: number }> {
  const trace = startCli("trace", "--listen", "tcp://127.0.0.1:0", "--to", to, "--json", ...extra);
  const [, port] = await trace.waitForMatch(/listening on tcp:\/\/127\.0\.0\.1:(\d+), relaying to/, "stderr");
  return { trace, port: Number(port) };
}

function parse(lines: readonly string[]): TraceEvent[] {
  return lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as TraceEvent);
}

/** Each connection's events, each direction in its order. */
function byConnection(events: TraceEvent[]): Record<number, Record<string, TraceEvent[]>> {
  const out: Record<number, Record<string, TraceEvent[]>> = {};
  for (const e of events) {
    const side = "dir" in e ? e.dir : e.type;
    ((out[e.conn] ??= {})[side] ??= []).push(e);
  }
  return out;
}

/** Decodes the capture with the command; checks it gives what the live tracer printed. */
async function assertSameAsLive(capture: Capture, live: CliProcess, ...extra: string[]): Promise<TraceEvent[]> {
  const offline = await runCli(["trace", "--pcap", capture.file, "--json", ...extra]);
  assert.equal(offline.status, 0, offline.stderr);
  assert.equal(offline.stderr, "");
  const fromCapture = parse(offline.stdout.split("\n"));
  assert.deepEqual(byConnection(fromCapture), byConnection(parse(live.stdout)));
  return fromCapture;
}

describe("trace --pcap on tcpdump captures", () => {
  test("libzmq REQ/REP: the capture gives the live tracer's events", async () => {
    const rep = new zmq.Reply({ linger: 0 });
    await rep.bind("tcp://127.0.0.1:0");
    const { trace, port } = await startTrace(rep.lastEndpoint!);
    let capture: Capture | undefined;
    try {
      capture = await startCapture(port);
      const req = new zmq.Request({ linger: 0, receiveTimeout: 10_000 });
      req.connect(`tcp://127.0.0.1:${port}`);
      await req.send(luaovermq.encodeRequest("add", [2, 3]));
      await withDeadline(rep.receive(), 10_000, "the request");
      await rep.send(luaovermq.encodeReply(5));
      await req.receive();
      await req.send(["part", Buffer.alloc(300, 7)]);
      await withDeadline(rep.receive(), 10_000, "the multipart message");
      await rep.send("done");
      await req.receive();
      req.close();
      await trace.waitForMatch(/"type":"close"/);
      await capture.stop(1);
      const events = await assertSameAsLive(capture, trace);
      assert.ok(events.some((e) => e.type === "message" && e.decoded?.rpc === "request"), "the request is decoded");
    } finally {
      rep.close();
      await trace.stop();
      removeCapture(capture);
    }
  });

  test("a purezmq client refused by a libzmq PLAIN server (Linux cooked capture): the refusal, no violation", async () => {
    const server = await refusingPlainServer();
    const pictures = mkdtempSync(join(tmpdir(), "purezmq-svg-"));
    const { trace, port } = await startTrace(server.endpoint, "--svg", join(pictures, "live.svg"));
    let capture: Capture | undefined;
    try {
      capture = await startCapture(port, "any");
      const call = await runCli(["call", `tcp://127.0.0.1:${port}`, "add", "1", "2", "--plain", "mallory:guess"]);
      assert.notEqual(call.status, 0);
      await trace.waitForMatch(/"type":"close"/);
      await capture.stop(1);
      const events = await assertSameAsLive(capture, trace, "--svg", join(pictures, "capture.svg"));
      const error = events.find((e) => e.type === "command" && e.name === "ERROR");
      assert.deepEqual(error && error.type === "command" && error.detail, {
        reason: "400", refused: "ZAP status 400 (credentials refused)", form: "libzmq 4.3 (name written 5E 'RROR', not 05 'ERROR')",
      });
      assert.ok(!events.some((e) => e.type === "violation"));
      // The pictures, live (written as the tracer ends) and from the capture, say the same.
      await trace.stop();
      const live = readFileSync(join(pictures, "live.svg"), "utf8");
      assert.equal(xmlProblem(live), undefined);
      for (const said of [/>greeting ZMTP 3\.1 PLAIN as-server=0</, />HELLO username=mallory password=\*\*\*</, />ERROR reason=400 refused=ZAP status 400 \(credentials refused\) form=libzmq 4\.3/, />closed</]) {
        assert.match(live, said);
      }
      assert.equal(readFileSync(join(pictures, "capture.svg"), "utf8"), live);
    } finally {
      server.close();
      await trace.stop();
      removeCapture(capture);
      rmSync(pictures, { recursive: true, force: true });
    }
  });

  test("a Lua RPC session between purezmq peers, with --lua", async () => {
    const server = await newMultiServer("127.0.0.1", 0, () => undefined, { expose: { math: { max: Math.max } } });
    const { trace, port } = await startTrace(`127.0.0.1:${server.port}`, "--lua");
    let capture: Capture | undefined;
    try {
      capture = await startCapture(port);
      const peer = await newClient("127.0.0.1", port, { timeout: 10_000 });
      assert.deepEqual(await peer.call("math.max", 1, 2.5, -3), [2.5]);
      await assert.rejects(peer.call("math.nope"), /nope/);
      await peer.close();
      await trace.waitForMatch(/"type":"close"/);
      await capture.stop(1);
      const events = await assertSameAsLive(capture, trace, "--lua");
      assert.equal(events.filter((e) => e.type === "lua").length, 4);
    } finally {
      await server.close();
      await trace.stop();
      removeCapture(capture);
    }
  });
});
