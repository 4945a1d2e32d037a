/**
 * Scripted raw peers against a purezmq PLAIN server: every broken or hostile
 * handshake is closed with an event that says why, no WELCOME goes to a peer
 * that did not earn it, and good clients keep being served afterwards.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { Reply, Request, plainAuthenticator, type EventType } from "../../../src/index.js";
import type { AnyEvent } from "../../support/sockets.js";
import { RawPeer, command, commandFrame, greeting, nextEvent } from "./helpers.js";
import { ourError } from "../../support/our-error.js";

const PASSWORD = "raw-test-password-91";
let server: Reply;
let endpoint: string;

before(async () => {
  server = new Reply({ plainServer: true, authenticator: plainAuthenticator({ users: { alice: PASSWORD } }) });
  await server.bind("tcp://127.0.0.1:0");
  endpoint = server.lastEndpoint!;
});

after(() => server.close());

const hello = (user: string, pass: string): Buffer =>
  command("HELLO", Buffer.concat([Buffer.from([user.length]), Buffer.from(user), Buffer.from([pass.length]), Buffer.from(pass)]));

interface Case {
  what: string;
  greeting: Buffer;
  then: Buffer;
  event: EventType;
  reason: RegExp;
}

const PLAIN_CLIENT = greeting("PLAIN", false);

const CASES: Case[] = [
  {
    what: "HELLO with a truncated password field",
    greeting: PLAIN_CLIENT,
    then: commandFrame(command("HELLO", Buffer.from([5, 0x61, 0x6c, 0x69, 0x63, 0x65, 8, 0x61, 0x62]))),
    event: "handshake:error:protocol",
    reason: /malformed HELLO: password runs past/,
  },
  {
    what: "HELLO with a username length past the end",
    greeting: PLAIN_CLIENT,
    then: commandFrame(command("HELLO", Buffer.from([255, 0x61, 0x62, 0x63]))),
    event: "handshake:error:protocol",
    reason: /malformed HELLO: username runs past/,
  },
  {
    what: "HELLO with no fields at all",
    greeting: PLAIN_CLIENT,
    then: commandFrame(command("HELLO")),
    event: "handshake:error:protocol",
    reason: /malformed HELLO/,
  },
  {
    what: "a handshake frame announcing 2^40 octets",
    greeting: PLAIN_CLIENT,
    then: Buffer.from([0x06, 0, 0, 0x01, 0, 0, 0, 0, 0]),
    event: "handshake:error:protocol",
    reason: /./,
  },
  {
    what: "READY sent before WELCOME (instead of HELLO)",
    greeting: PLAIN_CLIENT,
    then: commandFrame(command("READY", Buffer.from("\x0bSocket-Type\x00\x00\x00\x03REQ", "latin1"))),
    event: "handshake:error:protocol",
    reason: /unexpected READY command in the PLAIN handshake/,
  },
  {
    what: "INITIATE before HELLO",
    greeting: PLAIN_CLIENT,
    then: commandFrame(command("INITIATE", Buffer.from("\x0bSocket-Type\x00\x00\x00\x03REQ", "latin1"))),
    event: "handshake:error:protocol",
    reason: /unexpected INITIATE command/,
  },
  {
    what: "INITIATE right after HELLO, not waiting for WELCOME",
    greeting: PLAIN_CLIENT,
    then: Buffer.concat([
      commandFrame(hello("alice", PASSWORD)),
      commandFrame(command("INITIATE", Buffer.from("\x0bSocket-Type\x00\x00\x00\x03REQ", "latin1"))),
    ]),
    event: "handshake:error:protocol",
    reason: /unexpected INITIATE command/,
  },
  {
    what: "a message frame before the handshake",
    greeting: PLAIN_CLIENT,
    then: Buffer.from([0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]),
    event: "handshake:error:protocol",
    reason: /message frame received before the handshake/,
  },
  {
    what: "a message frame after a good HELLO, before INITIATE",
    greeting: PLAIN_CLIENT,
    then: Buffer.concat([commandFrame(hello("alice", PASSWORD)), Buffer.from([0x00, 0x01, 0x78])]),
    event: "handshake:error:protocol",
    reason: /message frame received before the handshake/,
  },
  {
    what: "the NULL mechanism against a PLAIN server",
    greeting: greeting("NULL", false),
    then: commandFrame(command("READY", Buffer.from("\x0bSocket-Type\x00\x00\x00\x03REQ", "latin1"))),
    event: "handshake:error:protocol",
    reason: /peer uses the NULL mechanism, this socket uses PLAIN/,
  },
  {
    what: "a PLAIN client greeting with as-server=1",
    greeting: greeting("PLAIN", true),
    then: commandFrame(hello("alice", PASSWORD)),
    event: "handshake:error:protocol",
    reason: /both peers claim the PLAIN server role/,
  },
];

for (const c of CASES) {
  test(`closed with a reason: ${c.what}`, async () => {
    const event = nextEvent(server, c.event);
    const peer = await RawPeer.connect(endpoint);
    try {
      peer.write(Buffer.concat([c.greeting, c.then]));
      const e: AnyEvent = await event;
      assert.match(ourError(e)!.message, c.reason);
      assert.ok(!ourError(e)!.message.includes(PASSWORD), "the event must not quote the password");
      await peer.waitClosed();
      const got = peer.bytes();
      assert.equal(got[0], 0xff, "the server sent its greeting");
      assert.equal(got[32], 1, "our PLAIN server greets with as-server 1");
      // Nothing after the greeting: no WELCOME, no READY, for a peer that broke the handshake.
      assert.ok(!got.subarray(64).includes(Buffer.from("WELCOME")), "no WELCOME");
      assert.ok(!got.subarray(64).includes(Buffer.from("READY")), "no READY");
    } finally {
      peer.destroy();
    }
  });
}

test("a wrong password from a raw peer gets ERROR 400 and a close", async () => {
  const event = nextEvent(server, "handshake:error:auth");
  const peer = await RawPeer.connect(endpoint);
  try {
    peer.write(Buffer.concat([PLAIN_CLIENT, commandFrame(hello("alice", "wrong"))]));
    const e = await event;
    assert.equal((e.error as { status?: number }).status, 400);
    await peer.waitClosed();
    assert.equal(peer.bytes().subarray(64).toString("hex"), "04095e52524f5203343030");
  } finally {
    peer.destroy();
  }
});

test("a good raw peer gets WELCOME then READY, and the server still serves a real client", async () => {
  const peer = await RawPeer.connect(endpoint);
  const client = new Request({ plainUsername: "alice", plainPassword: PASSWORD, receiveTimeout: 5000 });
  try {
    peer.write(Buffer.concat([PLAIN_CLIENT, commandFrame(hello("alice", PASSWORD))]));
    await peer.waitBytes((b) => b.length >= 64 + 10, "WELCOME");
    assert.ok(peer.bytes().subarray(64).equals(commandFrame(command("WELCOME"))), "WELCOME, exactly");
    const handshake = nextEvent(server, "handshake");
    peer.write(commandFrame(command("INITIATE", Buffer.from("\x0bSocket-Type\x00\x00\x00\x03REQ", "latin1"))));
    await handshake;
    const all = await peer.waitBytes((b) => b.includes(Buffer.from("REP")), "READY");
    assert.match(all.subarray(64 + 10).toString("latin1"), /^\x04\x19\x05READY\x0bSocket-Type\x00\x00\x00\x03REP$/);

    client.connect(endpoint);
    await client.send("still there?");
    const [req] = await server.receive();
    assert.equal(req!.toString(), "still there?");
    await server.send("yes");
    assert.equal((await client.receive())[0]!.toString(), "yes");
  } finally {
    peer.destroy();
    client.close();
  }
});
