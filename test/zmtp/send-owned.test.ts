/**
 * The library's own send path for parts it made (`[SEND_OWNED]`, used by the
 * RPC layer for envelopes and encoded bodies) skips the copy that send()
 * makes of a caller's small parts; send() itself still copies. Over inproc,
 * which moves parts by reference, the difference is visible as identity.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Dealer, Router } from "../../src/index.js";
import { SEND_OWNED } from "../../src/zmtp/message.js";

test("send() copies a small part; [SEND_OWNED] sends the part itself", async (t) => {
  const where = `inproc://owned-${randomBytes(6).toString("hex")}`;
  const router = new Router();
  const dealer = new Dealer();
  t.after(() => {
    router.close();
    dealer.close();
  });
  await router.bind(where);
  dealer.connect(where);
  const part = Buffer.from("small");
  await dealer.send([part]);
  const [, copied] = await router.receive();
  assert.notEqual(copied, part, "send() copies, as zeromq.js does");
  assert.equal(String(copied), "small");
  await dealer[SEND_OWNED]([part]);
  const [, same] = await router.receive();
  assert.equal(same, part, "the library's own parts go as they are");
});

test("[SEND_OWNED] keeps send()'s checks: on a closed socket both throw EBADF", () => {
  const dealer = new Dealer();
  dealer.close();
  assert.throws(() => dealer.send("x"), { code: "EBADF" });
  assert.throws(() => dealer[SEND_OWNED]([Buffer.from("x")]), { code: "EBADF" });
});
