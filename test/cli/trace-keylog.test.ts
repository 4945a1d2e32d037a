/**
 * CURVE key logging (`PUREZMQ_KEYLOGFILE`) and `trace --keylog`: a purezmq
 * peer logs each connection's short-term keys; the tracer opens the
 * MESSAGE commands of logged connections and shows their frames, against
 * purezmq and libzmq peers (only our side logs: the session key is the
 * same on both sides). Without the keylog nothing is opened; with a wrong
 * one, a note says so and the tracer goes on.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as zmq from "zeromq";
import { Reply, Request, curveKeyPair } from "../../src/index.js";
import { KEYLOG_ENV, setKeyLogFileForTests } from "../../src/zmtp/security/key-log.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { KeyLog } from "../../src/cli/trace/keylog.js";
import { startRelay } from "../../src/cli/trace/relay.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";
import { FIXTURES, startCli, runCli } from "./cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "purezmq-keylog-"));
after(() => {
  setKeyLogFileForTests(undefined);
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function tempFile(): string {
  return join(dir, `keylog-${++files}.txt`);
}

type Client = { send(m: string): Promise<void>; receive(): Promise<Buffer[]>; close(): void };

/**
 * A purezmq CURVE REP (logging when the key log is on), reached through a
 * relay whose taps use `keylog` (or none); `client` makes the requester.
 */
async function traced(keylogFile: string | undefined, client: (serverKey: string, endpoint: string) => Client): Promise<TraceEvent[]> {
  const serverKeys = curveKeyPair();
  const server = new Reply({ curveServer: true, curveSecretKey: serverKeys.secretKey });
  await server.bind("tcp://127.0.0.1:0");
  const keylog = keylogFile === undefined ? undefined : new KeyLog(keylogFile);
  const events: TraceEvent[] = [];
  const relay = await startRelay({
    listen: "tcp://127.0.0.1:0",
    to: server.lastEndpoint!,
    report: (e) => events.push(e),
    makeTap: (conn, d, report) => new ZmtpTap(conn, d, report, keylog?.forTap(conn)),
  });
  const c = client(serverKeys.publicKey, `tcp://127.0.0.1:${(relay.address() as net.AddressInfo).port}`);
  try {
    for (let i = 0; i < 2; i++) {
      await c.send(`secret-request-${i}`);
      await server.receive();
      await server.send(`secret-reply-${i}`);
      await c.receive();
    }
    return events;
  } finally {
    c.close();
    server.close();
    relay.close();
  }
}

function purezmqClient(serverKey: string, endpoint: string): Request {
  const keys = curveKeyPair();
  const c = new Request({ curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey });
  c.connect(endpoint);
  return c;
}

function libzmqClient(serverKey: string, endpoint: string): Client {
  const keys = zmq.curveKeyPair();
  const c = new zmq.Request({ curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey, linger: 0 });
  c.connect(endpoint);
  return c;
}

type MessageEvent = Extract<TraceEvent, { type: "message" }>;
const messages = (events: TraceEvent[]): MessageEvent[] => events.filter((e): e is MessageEvent => e.type === "message");
const texts = (events: TraceEvent[]): string[] => messages(events).map((e) => `${e.dir} ${e.frames.map((f) => f.text).join("|")}`);

test("purezmq logs each CURVE connection's keys, and trace --keylog opens both directions", async () => {
  const file = tempFile();
  setKeyLogFileForTests(file);
  const events = await traced(file, purezmqClient);
  // Both peers of this process log the same connection: one line each.
  const lines = readFileSync(file, "latin1").trim().split("\n");
  assert.equal(lines.length, 2);
  for (const line of lines) assert.match(line, /^CURVE_SHORT_TERM [0-9a-f]{64} [0-9a-f]{64}$/);
  assert.equal(lines[0], lines[1], "client and server log the same keys");
  if (process.platform !== "win32") assert.equal(statSync(file).mode & 0o777, 0o600, "the key log is the owner's alone");
  assert.deepEqual(texts(events), ["c>s |secret-request-0", "s>c |secret-reply-0", "c>s |secret-request-1", "s>c |secret-reply-1"]);
  assert.ok(messages(events).every((e) => e.decrypted === true));
  assert.equal(events.filter((e) => e.type === "command" && e.name === "MESSAGE").length, 0, "opened MESSAGEs are shown as their frames");
});

test("without a keylog nothing is opened, and nothing is logged when key logging is off", async () => {
  setKeyLogFileForTests(undefined);
  const events = await traced(undefined, purezmqClient);
  assert.deepEqual(messages(events), []);
  assert.ok(!JSON.stringify(events).includes("secret-"));
  assert.equal(events.filter((e) => e.type === "command" && e.name === "MESSAGE").length, 8);
});

test("a wrong keylog: a note on the MESSAGE, frames stay closed, the trace goes on", async () => {
  const logged = tempFile();
  setKeyLogFileForTests(logged);
  const wrong = tempFile();
  // The right connection names, with keys that are not theirs: written
  // once the peers have logged, before the first MESSAGE is looked up.
  const events = await traced(wrong, (serverKey, endpoint) => {
    const c = purezmqClient(serverKey, endpoint);
    // Both peers have logged once the client's handshake is done (the
    // server logs before its READY goes out).
    const handshook = new Promise<void>((resolve) => {
      c.events.on("handshake", () => resolve());
    });
    return {
      send: async (m) => {
        await handshook;
        writeFileSync(wrong, readFileSync(logged, "latin1").replace(/ [0-9a-f]{64}$/gm, ` ${"ab".repeat(32)}`));
        await c.send(m);
      },
      receive: () => c.receive(),
      close: () => c.close(),
    };
  });
  assert.deepEqual(messages(events), []);
  const notes = events.flatMap((e) => (e.type === "command" && e.name === "MESSAGE" && e.detail.keylog ? [String(e.detail.keylog)] : []));
  assert.equal(notes.length, 2, "one note per direction");
  for (const n of notes) assert.match(n, /the logged key does not open this MESSAGE .*wrong or stale keylog line/);
  assert.equal(events.filter((e) => e.type === "violation").length, 0);
});

test("a keylog that cannot be read: a note says so, the trace goes on", async () => {
  setKeyLogFileForTests(undefined);
  const events = await traced(join(dir, "absent.txt"), purezmqClient);
  const note = events.find((e) => e.type === "command" && e.name === "MESSAGE" && e.detail.keylog);
  assert.ok(note && note.type === "command");
  assert.match(String(note.detail.keylog), /cannot read the keylog/);
});

test("a libzmq client: our server's log alone opens both directions", async () => {
  const file = tempFile();
  setKeyLogFileForTests(file);
  const events = await traced(file, libzmqClient);
  assert.equal(readFileSync(file, "latin1").trim().split("\n").length, 1, "only our side logs");
  assert.deepEqual(texts(events), ["c>s |secret-request-0", "s>c |secret-reply-0", "c>s |secret-request-1", "s>c |secret-reply-1"]);
});

test("end to end: serve with PUREZMQ_KEYLOGFILE, call through trace --keylog: the request and reply are shown decoded", async () => {
  setKeyLogFileForTests(undefined);
  const file = tempFile();
  const keys = curveKeyPair();
  // The environment of the serve process only: this one has read its own.
  process.env[KEYLOG_ENV] = file;
  const serve = startCli("serve", join(FIXTURES, "calc-module.js"), "--bind", "tcp://127.0.0.1:0", "--curve-secret-key", keys.secretKey);
  delete process.env[KEYLOG_ENV];
  let trace: ReturnType<typeof startCli> | undefined;
  try {
    const [, endpoint] = await serve.waitForMatch(/^serving .* on (tcp:\/\/\S+)$/);
    trace = startCli("trace", "--listen", "tcp://127.0.0.1:0", "--to", endpoint!, "--keylog", file);
    const [, relay] = await trace.waitForMatch(/listening on (tcp:\/\/\S+),/);
    const call = await runCli(["call", relay!, "calc.mul", "5", "7", "--curve-server-key", keys.publicKey]);
    assert.equal(call.stdout, "35", call.stderr);
    const t = trace;
    await t.waitForMatch(/s>c message \(decrypted\) .* => reply OK 35$/);
    assert.ok(t.stdout.some((l) => /c>s message \(decrypted\) .* => request calc\.mul\(5, 7\)$/.test(l)), t.stdout.join("\n"));
    assert.match(readFileSync(file, "latin1"), /^CURVE_SHORT_TERM [0-9a-f]{64} [0-9a-f]{64}\n$/);
  } finally {
    await trace?.stop();
    await serve.stop();
  }
});
