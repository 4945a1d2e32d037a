/**
 * CURVE at the command line: `keygen` makes key pairs that `serve
 * --curve-secret-key --curve-allow` and `call --curve-server-key` use; a
 * client whose key is not allowed is refused, one that names another server
 * key gets no answer, and half-given CURVE options are usage errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { FIXTURES, assertFailure, assertPrints, runCli, startCli } from "./cli-process.js";

/** A key pair from `purezmq keygen --json`. */
async function keygen(): Promise<{ publicKey: string; secretKey: string }> {
  const r = await runCli(["keygen", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { publicKey: string; secretKey: string };
}

test("keygen prints a new Z85 key pair each time, as text or JSON", async () => {
  const text = await runCli(["keygen"]);
  const z85 = "[0-9a-zA-Z.:+=^!/*?&<>()\\[\\]{}@%$#-]{40}";
  assert.match(text.stdout.trim(), new RegExp(`^public: ${z85}\\nsecret: ${z85}$`));
  const [a, b] = [await keygen(), await keygen()];
  assert.notEqual(a.publicKey, b.publicKey);
  assert.notEqual(a.publicKey, a.secretKey);
});

test("serve and call over CURVE: the allowed key is served, another is refused, a wrong server key gets no answer", async () => {
  const server = await keygen();
  const client = await keygen();
  const proc = startCli("serve", join(FIXTURES, "calc-module.js"), "--bind", "tcp://127.0.0.1:0",
    "--curve-secret-key", server.secretKey, "--curve-allow", client.publicKey);
  try {
    const [, endpoint] = await proc.waitForMatch(/^serving .* on (tcp:\/\/\S+)$/);
    assertPrints(await runCli(["call", endpoint!, "calc.mul", "6", "7",
      "--curve-server-key", server.publicKey, "--curve-public-key", client.publicKey, "--curve-secret-key", client.secretKey]), "42");
    assertFailure(await runCli(["call", endpoint!, "calc.mul", "6", "7", "--curve-server-key", server.publicKey]), 1, /EACCES/);
    const impostor = await keygen();
    const lost = await runCli(["call", endpoint!, "calc.mul", "6", "7", "--curve-server-key", impostor.publicKey, "--timeout", "500"]);
    assert.notEqual(lost.status, 0);
    assert.equal(lost.stdout, "");
  } finally {
    await proc.stop();
  }
});

test("half-given CURVE options are usage errors", async () => {
  const keys = await keygen();
  assertFailure(await runCli(["call", "tcp://127.0.0.1:1", "add", "--curve-public-key", keys.publicKey]), 2, /need --curve-server-key/);
  assertFailure(await runCli(["call", "tcp://127.0.0.1:1", "add", "--curve-server-key", keys.publicKey, "--curve-secret-key", keys.secretKey]), 2, /both --curve-public-key and --curve-secret-key/);
  assertFailure(await runCli(["serve", join(FIXTURES, "calc-module.js"), "--curve-allow", keys.publicKey]), 2, /--curve-allow needs --curve-secret-key/);
});
