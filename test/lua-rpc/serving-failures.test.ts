/**
 * A failure while answering a call, or in the callback given each peer,
 * ends that connection only: the process and the other connections go on.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { LuaRpcClosedError, newClient, newMultiServer, type LuaRpcPeer } from "../../src/lua-rpc/index.js";

/** A thrown value that is no Error and cannot be turned into text. */
class Indescribable {
  toString(): string {
    throw new Error("no text for this value");
  }
}

test("a thrown value that cannot be described ends that connection only", async (t) => {
  const served: LuaRpcPeer[] = [];
  const server = await newMultiServer("127.0.0.1", 0, (peer) => {
    served.push(peer);
  }, {
    expose: {
      odd: () => {
        throw new Indescribable();
      },
      ok: () => "fine",
    },
  });
  const bad = await newClient("127.0.0.1", server.port);
  const good = await newClient("127.0.0.1", server.port);
  t.after(async () => {
    await good.close();
    await server.close();
  });
  const badClosed = once(bad, "close");
  await assert.rejects(bad.call("odd"), LuaRpcClosedError);
  await badClosed;
  assert.ok(served[0]!.closed); // the server ended it: the client saw its end
  assert.deepEqual(await good.call("ok"), ["fine"]);
});

test("a peer callback that rejects with a value that cannot be described ends that peer only", async (t) => {
  let first = true;
  const server = await newMultiServer("127.0.0.1", 0, async () => {
    if (first) {
      first = false;
      throw new Indescribable();
    }
  }, { expose: { ok: () => "fine" } });
  const errors: unknown[] = [];
  server.on("error", (e) => errors.push(e));
  const bad = await newClient("127.0.0.1", server.port);
  const closed = once(bad, "close");
  t.after(() => server.close());
  await closed;
  assert.ok(errors[0] instanceof Indescribable);
  const good = await newClient("127.0.0.1", server.port);
  assert.deepEqual(await good.call("ok"), ["fine"]);
  await good.close();
});
