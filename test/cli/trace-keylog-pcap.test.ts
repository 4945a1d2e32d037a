/**
 * `trace --pcap FILE --keylog KEYS`: a capture of a CURVE session and the
 * keylog written while it ran show the session's frames, exactly as the
 * live tracer with the same keylog does. The capture is built from the
 * octets the relay carried (no capture tool needed, so this runs on every
 * runtime); test/cli/trace-pcap.test.ts reads real tcpdump captures.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Direction, TraceEvent } from "../../src/cli/trace/events.js";
import { KeyLog } from "../../src/cli/trace/keylog.js";
import { traceCaptureChunks } from "../../src/cli/trace/pcap/capture-trace.js";
import { startRelay } from "../../src/cli/trace/relay.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import { Reply, curveKeyPair } from "../../src/index.js";
import { setKeyLogFileForTests } from "../../src/zmtp/security/key-log.js";
import { LINK, conversation, framesOf, pcapFile } from "./capture-bytes.js";
import { messages, purezmqClient, roundTrips, texts } from "./keylog-session.js";

const dir = mkdtempSync(join(tmpdir(), "purezmq-keylog-pcap-"));
after(() => {
  setKeyLogFileForTests(undefined);
  rmSync(dir, { recursive: true, force: true });
});

test("a capture of a CURVE session, with the keylog written while it ran, shows its frames as the live tracer does", async () => {
  const keys = join(dir, "keys.txt");
  setKeyLogFileForTests(keys);
  const serverKeys = curveKeyPair();
  const server = new Reply({ curveServer: true, curveSecretKey: serverKeys.secretKey });
  await server.bind("tcp://127.0.0.1:0");
  // The live trace opens MESSAGEs with the keylog; each direction's octets are kept for the capture.
  const carried: Record<Direction, Buffer[]> = { "c>s": [], "s>c": [] };
  const live: TraceEvent[] = [];
  const liveKeys = new KeyLog(keys);
  const relay = await startRelay({
    listen: "tcp://127.0.0.1:0",
    to: server.lastEndpoint!,
    report: (e) => live.push(e),
    makeTap: (conn, d, report) => {
      const tap = new ZmtpTap(conn, d, report, liveKeys.forTap(conn));
      return { push: (chunk: Buffer) => (carried[d].push(Buffer.from(chunk)), tap.push(chunk)) };
    },
  });
  const client = purezmqClient(serverKeys.publicKey, `tcp://127.0.0.1:${(relay.address() as AddressInfo).port}`);
  try {
    await roundTrips(client, server);
  } finally {
    client.close();
    server.close();
    relay.close();
  }
  const conn = { client: { ip: "10.0.0.1", port: 40000 }, server: { ip: "10.0.0.2", port: 5555 }, clientIsn: 1000, serverIsn: 2000 };
  const segments = conversation(conn, Buffer.concat(carried["c>s"]), Buffer.concat(carried["s>c"]), 700);
  const capture = pcapFile(LINK.ethernet, framesOf(conn, segments, LINK.ethernet));

  const opened: TraceEvent[] = [];
  const captureKeys = new KeyLog(keys);
  traceCaptureChunks([capture], (c, d, report) => new ZmtpTap(c, d, report, captureKeys.forTap(c)), (e) => opened.push(e));
  const expected = ["c>s |secret-request-0", "s>c |secret-reply-0", "c>s |secret-request-1", "s>c |secret-reply-1"];
  assert.deepEqual(texts(live), expected);
  // Per direction: the built capture interleaves the two directions by segment, not by time.
  const byDirection = (events: TraceEvent[]): string[][] => ["c>s", "s>c"].map((d) => texts(events).filter((t) => t.startsWith(d)));
  assert.deepEqual(byDirection(opened), byDirection(live), "the capture shows what the live tracer showed");
  assert.ok(messages(opened).every((e) => e.decrypted === true));

  // Without the keylog the same capture keeps its MESSAGEs sealed.
  const sealed: TraceEvent[] = [];
  traceCaptureChunks([capture], (c, d, report) => new ZmtpTap(c, d, report), (e) => sealed.push(e));
  assert.deepEqual(messages(sealed), []);
  assert.ok(!JSON.stringify(sealed).includes("secret-"));
});
