/**
 * The key log on its own: the CURVE mechanisms hand their hook the keys of
 * a succeeded handshake only, the line format, and the tracer's reader of
 * the file, which takes any octets (fast-check) and keeps only well-formed
 * lines, read as the file grows.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { KeyLog } from "../../src/cli/trace/keylog.js";
import { keyLogLine } from "../../src/zmtp/security/key-log.js";
import {
  CurveClientMechanism, CurveServerMechanism, generateKeyPair, type Command, type CurveSessionKeys, type Mechanism,
  type MechanismPeer, decodeCommand,
} from "../../src/zmtp/wire/index.js";

const dir = mkdtempSync(join(tmpdir(), "purezmq-keylog-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a CURVE handshake between two mechanisms in memory; `verdict` is the server's authenticator's answer. */
function handshake(verdict: 200 | 400): { client: CurveSessionKeys[]; server: CurveSessionKeys[] } {
  const serverKeys = generateKeyPair();
  const logged = { client: [] as CurveSessionKeys[], server: [] as CurveSessionKeys[] };
  const client = new CurveClientMechanism({
    metadata: [["Socket-Type", "DEALER"]], address: "test", keys: generateKeyPair(), serverKey: serverKeys.publicKey,
    keyLog: (k) => logged.client.push(k),
  });
  const server = new CurveServerMechanism({
    metadata: [["Socket-Type", "ROUTER"]], address: "test", keys: serverKeys,
    authenticate: (_key, _address, done) => done({ status: verdict }),
    keyLog: (k) => logged.server.push(k),
  });
  const queue: Array<[Mechanism, Command]> = [];
  const peerOf = (to: Mechanism): MechanismPeer => ({
    sendCommand: (body) => queue.push([to, decodeCommand(body)]),
    ready: () => undefined,
    fail: () => undefined,
  });
  server.start(peerOf(client));
  client.start(peerOf(server));
  for (let i = 0; i < 8 && queue.length > 0; i++) {
    const [to, command] = queue.shift()!;
    try {
      to.onCommand(command);
    } catch {
      break; // the client's refusal ends the handshake
    }
  }
  return logged;
}

test("both CURVE sides log the same keys once the handshake succeeds, and nothing when it is refused", () => {
  const ok = handshake(200);
  assert.equal(ok.client.length, 1);
  assert.equal(ok.server.length, 1);
  assert.deepEqual(ok.client[0], ok.server[0]);
  assert.equal(ok.client[0]!.clientShortKey.length, 32);
  assert.equal(ok.client[0]!.sessionKey.length, 32);
  assert.match(keyLogLine(ok.client[0]!), /^CURVE_SHORT_TERM [0-9a-f]{64} [0-9a-f]{64}$/);
  const refused = handshake(400);
  assert.deepEqual(refused, { client: [], server: [] });
});

test("the tracer's keylog reader keeps well-formed lines, and reads what is appended later", () => {
  const file = join(dir, "grows.txt");
  const a = Buffer.alloc(32, 1);
  const b = Buffer.alloc(32, 2);
  writeFileSync(file, `# a comment\nTLS_SECRET x y\n${keyLogLine({ clientShortKey: a, sessionKey: b })}\nCURVE_SHORT_TERM 00 11\n`);
  const log = new KeyLog(file);
  assert.deepEqual(log.lookup(a), b);
  assert.equal(log.lookup(b), undefined);
  // A line written after the reader opened the file (a live peer), half then half.
  const line = keyLogLine({ clientShortKey: b, sessionKey: a });
  appendFileSync(file, line.slice(0, 50));
  assert.equal(log.lookup(b), undefined);
  appendFileSync(file, `${line.slice(50)}\n`);
  assert.deepEqual(log.lookup(b), a);
});

test("the keylog reader takes any octets without throwing, and finds only the keys of well-formed lines", () => {
  const file = join(dir, "fuzz.txt");
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((u) => Buffer.from(u));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.option(fc.tuple(key, key)), (noise, entry) => {
      const good = entry ? `\n${keyLogLine({ clientShortKey: entry[0], sessionKey: entry[1] })}\n` : "";
      writeFileSync(file, Buffer.concat([Buffer.from(noise), Buffer.from(good, "latin1"), Buffer.from(noise)]));
      const log = new KeyLog(file);
      if (entry) assert.deepEqual(log.lookup(entry[0]), entry[1]);
      assert.equal(log.lookup(Buffer.alloc(31)), undefined);
    }),
    { numRuns: 200 },
  );
});
