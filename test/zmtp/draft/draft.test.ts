/**
 * The draft sockets between purezmq peers over tcp, ipc and inproc, and at
 * the octet level against scripted peers: the RADIO filters by group on
 * the sending side, bad JOIN/LEAVE input and too many joins end the
 * connection, a DISH refuses a message that is not group and body, and
 * the single-part types drop a multipart message and keep serving.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, Dish, Gather, Radio, Scatter, Server } from "../../../src/draft/index.js";
import { Socket } from "../../../src/index.js";
import { RawListener, RawPeer, command, message, within } from "../raw/raw-peer.js";
import { nextEvent } from "../../support/sockets.js";
import { bindAddress, bindResolved, track, TRANSPORTS } from "../sockets/helpers.js";
import { nextReal, untilJoined } from "./helpers.js";

const T = 5000;

for (const transport of TRANSPORTS) {
  test(`Server answers two Clients by routing id, ${transport}`, async (t) => {
    const [server, c1, c2] = track(t, new Server(), new Client(), new Client());
    const ep = await bindResolved(server, bindAddress(transport));
    c1.connect(ep);
    c2.connect(ep);
    await c1.send("one");
    await c2.send("two");
    const ids = new Map<string, number>();
    for (let i = 0; i < 2; i++) {
      const [body, { routingId }] = await within(server.receive(), T, "a request");
      ids.set(body.toString(), routingId);
    }
    assert.notEqual(ids.get("one"), ids.get("two"));
    await server.send("to two", { routingId: ids.get("two")! });
    await server.send("to one", { routingId: ids.get("one")! });
    assert.equal(String(await within(c1.receive(), T, "c1's reply")), "to one");
    assert.equal(String(await within(c2.receive(), T, "c2's reply")), "to two");
  });

  test(`Radio to Dish by group, join and leave, ${transport}`, async (t) => {
    const [radio, dish] = track(t, new Radio(), new Dish());
    dish.connect(await bindResolved(radio, bindAddress(transport)));
    dish.join("a", Buffer.from("b"));
    await untilJoined(radio, dish, "a");
    await untilJoined(radio, dish, "b");
    await radio.send("x", { group: "c" });
    await radio.send("y", { group: "b" });
    assert.equal(await within(nextReal(dish), T, "y"), "b:y");
    dish.leave("b");
    await radio.send("z", { group: "b" });
    await radio.send("w", { group: "a" });
    assert.equal(await within(nextReal(dish), T, "w"), "a:w");
  });

  test(`Scatter round-robins single parts over two Gathers, ${transport}`, async (t) => {
    const [scatter, g1, g2] = track(t, new Scatter(), new Gather(), new Gather());
    const ep = await bindResolved(scatter, bindAddress(transport));
    g1.connect(ep);
    if (transport !== "inproc") await within(nextEvent(scatter, "handshake"), T, "g1 in");
    g2.connect(ep);
    if (transport !== "inproc") await within(nextEvent(scatter, "handshake"), T, "g2 in");
    for (let i = 0; i < 4; i++) await scatter.send(String(i));
    const got = [String(await g1.receive()), String(await g2.receive()), String(await g1.receive()), String(await g2.receive())];
    assert.deepEqual(got.sort(), ["0", "1", "2", "3"]);
  });
}

test("the draft types by number: new Socket(12..17) builds them", () => {
  for (const [n, ctor] of [[12, Server], [13, Client], [14, Radio], [15, Dish], [16, Gather], [17, Scatter]] as const) {
    const s = new (Socket as unknown as new (type: number) => Socket)(n);
    assert.ok(s instanceof ctor, `type ${n}`);
    assert.equal(s.threadSafe, true);
    s.close();
  }
});

test("Server send fails EINVAL for multipart, EHOSTUNREACH for a peer gone", async (t) => {
  const [server, client] = track(t, new Server(), new Client());
  client.connect(await bindResolved(server, bindAddress("inproc")));
  await client.send("hi");
  const [, meta] = await server.receive();
  await assert.rejects(server.send(["a", "b"], meta), { code: "EINVAL" });
  const gone = nextEvent(server, "disconnect");
  client.close();
  await gone.catch(() => {});
  await assert.rejects(server.send("late", meta), { code: "EHOSTUNREACH" });
});

// ---- octet level

async function rawDishOf(t: { after(fn: () => void): void }, radio: Radio): Promise<RawPeer> {
  const peer = await RawPeer.connect(await bindResolved(radio, "tcp://127.0.0.1:0"));
  t.after(() => peer.destroy());
  await within(peer.handshake("DISH"), T, "handshake");
  return peer;
}

test("a Radio filters on the sending side: a raw DISH gets only its groups, as group and body frames", async (t) => {
  const [radio] = track(t, new Radio());
  const peer = await rawDishOf(t, radio);
  peer.write(command("JOIN", Buffer.from("g")));
  // Until the JOIN is taken the radio drops g's messages: probe with h and g in turn.
  for (let i = 0; peer.pending === 0; i++) {
    await radio.send(`not for you ${i}`, { group: "h" });
    await radio.send(`probe ${i}`, { group: "g" });
    await new Promise((resolve) => setImmediate(resolve));
  }
  const first = await within(peer.readMessage(), T, "a probe");
  assert.equal(first[0]!.toString(), "g");
  assert.match(first[1]!.toString(), /^probe /);
  await radio.send("last", { group: "g" });
  for (;;) {
    const msg = await within(peer.readMessage(), T, "g's messages");
    assert.equal(msg.length, 2);
    assert.equal(msg[0]!.toString(), "g", "only group g reaches the peer");
    if (msg[1]!.toString() === "last") break;
  }
  // After the LEAVE is taken nothing of g arrives: probe until z's message does.
  peer.write(command("LEAVE", Buffer.from("g")), command("JOIN", Buffer.from("z")));
  let sawZ = false;
  for (let i = 0; !sawZ; i++) {
    await radio.send(`gone ${i}`, { group: "g" });
    await radio.send(`z ${i}`, { group: "z" });
    await new Promise((resolve) => setImmediate(resolve));
    while (!sawZ && peer.pending > 0) {
      const msg = await within(peer.readMessage(), T, "a message");
      if (msg[0]!.toString() === "z") sawZ = true;
      else assert.match(msg[1]!.toString(), /^gone /, "only what was sent before the LEAVE arrived");
    }
  }
  // The LEAVE came before the JOIN: once z arrives, g never does (late probes of z may still come).
  await radio.send("after", { group: "g" });
  await radio.send("end", { group: "z" });
  for (;;) {
    const msg = (await within(peer.readMessage(), T, "end")).map(String);
    assert.equal(msg[0], "z", `after the LEAVE only z arrives: ${msg.join(" ")}`);
    if (msg[1] === "end") break;
  }
});

test("a JOIN of a group over 255 octets ends the raw DISH's connection; the Radio serves others", async (t) => {
  const [radio] = track(t, new Radio());
  const peer = await rawDishOf(t, radio);
  const gone = nextEvent(radio, "disconnect");
  peer.write(command("JOIN", Buffer.alloc(256, 0x61)));
  await peer.waitClosed();
  await gone;
  const good = await rawDishOf(t, radio);
  good.write(command("JOIN", Buffer.from("ok")));
  while (good.pending === 0) {
    await radio.send("hello", { group: "ok" });
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual((await good.readMessage()).map(String), ["ok", "hello"]);
});

test("joins past maxGroupsPerPeer end that peer's connection with ENOBUFS", async (t) => {
  const [radio] = track(t, new Radio({ maxGroupsPerPeer: 3 }));
  const peer = await rawDishOf(t, radio);
  const gone = nextEvent(radio, "disconnect");
  // A repeated JOIN counts too, as libzmq keeps one entry per JOIN.
  for (const g of ["a", "b", "b", "c"]) peer.write(command("JOIN", Buffer.from(g)));
  await peer.waitClosed();
  assert.equal((await gone).error?.code, "ENOBUFS");
});

/** Resolves once the Radio has taken every JOIN `peer` sent before: a PING goes after them, its PONG comes back in order. */
async function joinsTaken(peer: RawPeer): Promise<void> {
  peer.write(command("PING", Buffer.from([0, 0])));
  while ((await within(peer.readCommand(), T, "PONG")).name !== "PONG");
}

test("joins past maxGroups, all dishes together, end the connection of the dish that sent the JOIN", async (t) => {
  const [radio] = track(t, new Radio({ maxGroups: 4, maxGroupsPerPeer: 3 }));
  const first = await rawDishOf(t, radio);
  for (const g of ["a", "b", "c"]) first.write(command("JOIN", Buffer.from(g)));
  await joinsTaken(first);
  const second = await rawDishOf(t, radio);
  const gone = nextEvent(radio, "disconnect");
  // Each dish stays under maxGroupsPerPeer; the second one's second JOIN is the fifth in all.
  for (const g of ["d", "e"]) second.write(command("JOIN", Buffer.from(g)));
  await second.waitClosed();
  assert.equal((await gone).error?.code, "ENOBUFS");
  // The first dish keeps its joins and its connection.
  await radio.send("still", { group: "a" });
  assert.deepEqual((await within(first.readMessage(), T, "still")).map(String), ["a", "still"]);
});

for (const [shape, bad] of [["one part", ["body only"]], ["three parts", ["g", "x", "y"]]] as const) {
  test(`a Dish sends its joins at the handshake and ends a connection whose message has ${shape}`, async (t) => {
    const listener = await RawListener.listen();
    t.after(() => listener.close());
    const [dish] = track(t, new Dish());
    dish.join("g");
    dish.connect(listener.endpoint);
    const peer = await within(listener.accept(), T, "the dish");
    await within(peer.handshake("RADIO"), T, "handshake");
    const join = await within(peer.readCommand(), T, "JOIN");
    assert.deepEqual([join.name, join.data.toString()], ["JOIN", "g"]);
    const gone = nextEvent(dish, "disconnect");
    peer.write(message(["g", "fine"]), message(["h", "not joined"]), message(bad));
    const [body, { group }] = await within(dish.receive(), T, "fine");
    assert.deepEqual([String(body), String(group)], ["fine", "g"]);
    // Bad input of one part is found when the application reads up to it: a receive waits past it.
    const next = dish.receive();
    next.catch(() => {});
    await peer.waitClosed();
    assert.equal((await gone).error?.code !== undefined, true);
  });
}

for (const [name, make, peerType] of [
  ["Server", () => new Server(), "CLIENT"],
  ["Client", () => new Client(), "SERVER"],
  ["Gather", () => new Gather(), "SCATTER"],
] as const) {
  test(`a ${name} drops a multipart message from a raw ${peerType} and keeps the connection`, async (t) => {
    const socket = make() as Server | Client | Gather;
    t.after(() => socket.close());
    const peer = await RawPeer.connect(await bindResolved(socket, "tcp://127.0.0.1:0"));
    t.after(() => peer.destroy());
    await within(peer.handshake(peerType), T, "handshake");
    peer.write(message(["multi", "part"]), message(["single"]));
    const got = await within(socket.receive() as Promise<unknown[]>, T, "the single-part message");
    assert.equal(String(got[0]), "single");
    assert.equal(peer.isClosed, false);
  });
}
