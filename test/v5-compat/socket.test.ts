/**
 * purezmq's v5 API on its own, where zeromq.js cannot be the reference
 * (its behaviour differs on purpose, see the README's v5 section) or
 * where no native module should be needed: bindSync's background listen
 * and its error event, unmonitor() stopping quietly, proxy() forwarding,
 * and REQ/REP reading only in turn. Runs on Node, Bun and Deno.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import * as zmq from "../../src/v5-compat/index.js";

/** Binds with a callback; resolves with the endpoint. */
function bindFree(sock: zmq.Socket, address = "tcp://127.0.0.1:*"): Promise<string> {
  return new Promise((resolve, reject) => sock.bind(address, (err) => (err ? reject(err) : resolve(sock.last_endpoint as string))));
}

test("bindSync listens in the background: last_endpoint once listening, and peers reach it", async () => {
  const pull = zmq.socket("pull");
  const push = zmq.socket("push");
  try {
    pull.bindSync("tcp://127.0.0.1:*");
    assert.equal(pull.last_endpoint, null);
    const listening = await once(pull.monitor(), "listen");
    assert.match(String(listening[1]), /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(pull.last_endpoint, listening[1]);
    push.connect(String(pull.last_endpoint));
    const got = once(pull, "message");
    push.send("hi");
    assert.equal(String((await got)[0]), "hi");
  } finally {
    pull.close();
    push.close();
  }
});

test("bindSync: an address in use is an error event with EADDRINUSE", async () => {
  const first = zmq.socket("pull");
  const second = zmq.socket("pull");
  try {
    const address = await bindFree(first);
    second.bindSync(address);
    const [err] = await once(second, "error");
    assert.equal((err as { code?: string }).code, "EADDRINUSE");
    assert.equal((err as { address?: string }).address, address);
  } finally {
    first.close();
    second.close();
  }
});

test("unmonitor() stops the events without an error event", async () => {
  const sock = zmq.socket("dealer");
  const seen: string[] = [];
  sock.on("error", () => seen.push("error"));
  sock.on("listen", () => seen.push("listen"));
  try {
    sock.monitor();
    await bindFree(sock);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ["listen"]);
    sock.unmonitor();
    await bindFree(sock, "tcp://127.0.0.1:*");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, ["listen"]);
  } finally {
    sock.close();
  }
});

test("proxy(router, dealer, capture): requests reach the backend, replies come back, the capture sees them without the envelope", async () => {
  const frontend = zmq.socket("router");
  const backend = zmq.socket("dealer");
  const capture = zmq.socket("push");
  const captured = zmq.socket("pull");
  const client = zmq.socket("req");
  const worker = zmq.socket("rep");
  try {
    zmq.proxy(frontend, backend, capture);
    captured.connect(await bindFree(capture));
    client.connect(await bindFree(frontend));
    worker.connect(await bindFree(backend));
    worker.on("message", (msg: Buffer) => worker.send(`done ${msg}`));
    const copy = once(captured, "message");
    const reply = once(client, "message");
    client.send("job");
    assert.equal(String((await reply)[0]), "done job");
    assert.deepEqual((await copy).map(String), ["done job"]);
  } finally {
    for (const s of [frontend, backend, capture, captured, client, worker]) s.close();
  }
});

test("REQ and REP read only in turn: a REP serves many requests, with no error events", async () => {
  const rep = zmq.socket("rep");
  const req = zmq.socket("req");
  const errors: unknown[] = [];
  rep.on("error", (e) => errors.push(e));
  req.on("error", (e) => errors.push(e));
  try {
    rep.on("message", (msg: Buffer) => rep.send(`re ${msg}`));
    req.connect(await bindFree(rep));
    for (let i = 0; i < 20; i++) {
      const reply = once(req, "message");
      req.send(String(i));
      assert.equal(String((await reply)[0]), `re ${i}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    rep.close();
    req.close();
  }
});
