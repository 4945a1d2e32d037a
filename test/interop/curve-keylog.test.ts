/**
 * CURVE key logging with libzmq as the other peer: only our side logs,
 * which suffices (the session key is the same on both sides), and
 * `trace --keylog` opens both directions.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as zmq from "zeromq";
import { setKeyLogFileForTests } from "../../src/zmtp/security/key-log.js";
import { texts, traced, type Client } from "../cli/keylog-session.js";

const dir = mkdtempSync(join(tmpdir(), "purezmq-keylog-interop-"));
after(() => {
  setKeyLogFileForTests(undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A libzmq CURVE REQ with a key pair of its own. */
function libzmqClient(serverKey: string, endpoint: string): Client {
  const keys = zmq.curveKeyPair();
  const c = new zmq.Request({ curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey, linger: 0 });
  c.connect(endpoint);
  return c;
}

test("a libzmq client: our server's log alone opens both directions", async () => {
  const file = join(dir, "keylog.txt");
  setKeyLogFileForTests(file);
  const events = await traced(file, libzmqClient);
  assert.equal(readFileSync(file, "latin1").trim().split("\n").length, 1, "only our side logs");
  assert.deepEqual(texts(events), ["c>s |secret-request-0", "s>c |secret-reply-0", "c>s |secret-request-1", "s>c |secret-reply-1"]);
});
