/**
 * CURVE key logging (`PUREZMQ_KEYLOGFILE`) and `trace --keylog`: a purezmq
 * peer logs each connection's short-term keys; the tracer opens the
 * MESSAGE commands of logged connections and shows their frames (with a
 * libzmq peer: test/interop/curve-keylog.test.ts). Without the keylog
 * nothing is opened; with a wrong one, a note says so and the tracer goes
 * on.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { curveKeyPair } from "../../src/index.js";
import { KEYLOG_ENV, setKeyLogFileForTests } from "../../src/zmtp/security/key-log.js";
import { FIXTURES, startCli, runCli } from "./cli-process.js";
import { messages, purezmqClient, texts, traced } from "./keylog-session.js";

const dir = mkdtempSync(join(tmpdir(), "purezmq-keylog-"));
after(() => {
  setKeyLogFileForTests(undefined);
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function tempFile(): string {
  return join(dir, `keylog-${++files}.txt`);
}

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
