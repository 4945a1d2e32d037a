/**
 * pyzmqrpc3 commands over PUB/SUB (fire and forget): a CommandPublisher's
 * commands run on every subscribed CommandServer, in order, heartbeats
 * skipped; failures reported locally only; inproc; the SUB silence
 * watchdog with and without publisher heartbeats; PLAIN right and wrong.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Publisher } from "../../src/index.js";
import { CommandPublisher, RemoteCallError, pyzmqrpc as pz } from "../../src/rpc/index.js";
import { inprocEndpoint, within } from "./helpers.js";
import { Add, Unserved, probeServers, recordingServer } from "./command-pubsub-helpers.js";
import { eventually, probeUntil } from "./pubsub-helpers.js";

test("commands published once run on two subscribing servers, in order, with no response", async (t) => {
  const pub = new CommandPublisher({ heartbeatPeriod: 5 });
  const one = recordingServer();
  const two = recordingServer();
  t.after(() => (one.server.close(), two.server.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  const subOne = one.server.subscribe(pub.endpoint!);
  const subTwo = two.server.subscribe(pub.endpoint!);
  await probeServers((p) => pub.execute(p), one, two);
  for (let i = 0; i < 50; i++) assert.equal(await pub.execute(new Add({ a: i, b: 1 })), undefined);
  const expected = Array.from({ length: 50 }, (_, i) => i + 1);
  await eventually(() => one.sums.length === 50 && two.sums.length === 50, "50 commands on both servers");
  assert.deepEqual(one.sums, expected);
  assert.deepEqual(two.sums, expected);
  // Heartbeats (sent every 5 ms all along) were skipped, not counted or run.
  assert.equal(subOne.received, 50 + one.probes.length);
  assert.equal(subTwo.received, 50 + two.probes.length);
});

test("a command that fails over SUB is reported locally and the server goes on", async (t) => {
  const pub = new CommandPublisher();
  const rec = recordingServer();
  const errors: RemoteCallError[] = [];
  t.after(() => (rec.server.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  rec.server.subscribe(pub.endpoint!, { onError: (err) => errors.push(err) });
  await probeServers((p) => pub.execute(p), rec);
  await pub.execute(new Unserved({ x: 1 }));
  await pub.sendFrame(Buffer.from("not a command"));
  await pub.execute(new Add({ a: 2, b: 2 }));
  await eventually(() => rec.sums.length === 1, "the command after the failures");
  assert.deepEqual(rec.sums, [4]);
  assert.deepEqual(errors.map((e) => e.statusCode), [pz.STATUS_BAD_SERVICE, pz.STATUS_BAD_SERIALIZATION]);
  assert.equal(errors[0]!.remoteMessage, pz.noServiceMessage("Unserved"));
});

test("a foreign PUB's one-frame commands run; multi-frame messages are ignored", async (t) => {
  const raw = new Publisher({ linger: 0 });
  const rec = recordingServer();
  t.after(() => (rec.server.close(), raw.close()));
  await raw.bind("tcp://127.0.0.1:0");
  const sub = rec.server.subscribe(raw.lastEndpoint!);
  await probeServers((p) => raw.send(pz.encodeCommandObject(p)), rec);
  await raw.send([pz.encodeCommand("Add", { a: 1, b: 1 }), "second frame"]);
  await raw.send(pz.HEARTBEAT_MESSAGE);
  await raw.send(pz.encodeCommand("Add", { a: 3, b: 4 }));
  await eventually(() => rec.sums.length === 1, "the one-frame command");
  assert.deepEqual(rec.sums, [7]);
  assert.equal(sub.received, rec.probes.length + 1);
});

test("commands over inproc, the server subscribing before the publisher binds", async (t) => {
  const address = inprocEndpoint();
  const rec = recordingServer();
  rec.server.subscribe(address);
  const pub = new CommandPublisher();
  t.after(() => (rec.server.close(), pub.close()));
  await pub.bind(address);
  await probeServers((p) => pub.execute(p), rec);
  await pub.execute(new Add({ a: 20, b: 22 }));
  await eventually(() => rec.sums.length === 1, "the inproc command");
  assert.deepEqual(rec.sums, [42]);
});

test("SUB watchdog: a silent subscription is recreated; heartbeats keep a quiet one", async (t) => {
  const quiet = new CommandPublisher();
  const beating = new CommandPublisher({ heartbeatPeriod: 15 });
  const rec = recordingServer();
  t.after(() => (rec.server.close(), quiet.close(), beating.close()));
  await quiet.bind("tcp://127.0.0.1:0");
  await beating.bind("tcp://127.0.0.1:0");
  const silent = rec.server.subscribe(quiet.endpoint!, { silenceTimeout: 150 });
  const alive = rec.server.subscribe(beating.endpoint!, { silenceTimeout: 300 });
  // The beating publisher's heartbeats reach the subscription once it is connected.
  await probeServers((p) => beating.execute(p), rec);
  const firstSocket = silent.socket;
  await eventually(() => silent.recreations >= 3, "three recreations of the silent subscription");
  assert.notEqual(silent.socket, firstSocket);
  // Over the same 450+ ms, heartbeats every 15 ms kept the other one (timeout 300 ms).
  assert.equal(alive.recreations, 0);
  // The recreated subscription still works.
  await probeUntil(() => quiet.execute(new Add({ a: 1, b: 0 })), () => rec.sums.length > 0, "a command after recreation");
  assert.ok(rec.sums.every((sum) => sum === 1));
});

test("PLAIN: a subscription with the right password runs commands, a wrong one stops with EACCES", async (t) => {
  const pub = new CommandPublisher({ plain: { username: "user", password: "pass" } });
  const good = recordingServer();
  const bad = recordingServer();
  t.after(() => (good.server.close(), bad.server.close(), pub.close()));
  await pub.bind("tcp://127.0.0.1:0");
  good.server.subscribe(pub.endpoint!, { plain: { username: "user", password: "pass" } });
  const refused = bad.server.subscribe(pub.endpoint!, { plain: { username: "user", password: "nope" } });
  await within(refused.done, 5000, "the refusal");
  assert.equal((refused.error as Error & { code?: string }).code, "EACCES");
  await probeServers((p) => pub.execute(p), good);
  await pub.execute(new Add({ a: 5, b: 5 }));
  await eventually(() => good.sums.length === 1, "the authenticated command");
  assert.deepEqual(good.sums, [10]);
  assert.deepEqual(bad.sums, []);
  assert.deepEqual(bad.probes, []);
});

test("subscribe is refused on a closed server, and a bad endpoint throws", (t) => {
  const rec = recordingServer();
  t.after(() => rec.server.close());
  assert.throws(() => rec.server.subscribe("nonsense://x"), (err: Error & { code?: string }) => err.code === "EPROTONOSUPPORT");
  rec.server.close();
  assert.throws(() => rec.server.subscribe("tcp://127.0.0.1:1"), (err: Error & { code?: string }) => err.code === "ETERM");
});
