/**
 * The sans-I/O PLAIN client and server: a full handshake between them in
 * memory, refusals, out-of-order commands, and a property that arbitrary
 * bytes fed to either side during the handshake throw nothing but
 * ZmtpProtocolError.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FrameDecoder, PlainClientMechanism, PlainServerMechanism, ZmtpAuthError, ZmtpProtocolError, decodeCommand, decodeError,
  decodePlainCommand, encodeHello, encodeInitiate, type Mechanism, type MechanismPeer, type Metadata, type PlainAuthenticate,
  type PlainVerdict,
} from "../../../src/zmtp/wire/index.js";

/** Records what a mechanism does to its connection. */
class RecordingPeer implements MechanismPeer {
  sent: Buffer[] = [];
  readyWith: { metadata: Metadata; userId: string | undefined } | undefined;
  failedWith: ZmtpProtocolError | undefined;
  sendCommand(body: Buffer): void {
    this.sent.push(body);
  }
  ready(metadata: Metadata, userId?: string): void {
    this.readyWith = { metadata, userId };
  }
  fail(error: ZmtpProtocolError): void {
    this.failedWith = error;
  }
}

const SECRET = "s3cr3t-pa55";

/** An authenticator that answers at once with a fixed verdict, remembering what it was asked. */
function fixed(verdict: PlainVerdict, asked: { user?: string; address?: string } = {}): PlainAuthenticate {
  return (credentials, address, done) => {
    asked.user = credentials.username.toString();
    asked.address = address;
    done(verdict);
  };
}

function server(authenticate: PlainAuthenticate): { mech: PlainServerMechanism; peer: RecordingPeer } {
  const mech = new PlainServerMechanism({ metadata: [["Socket-Type", "REP"]], address: "tcp://10.0.0.7:4242", authenticate });
  const peer = new RecordingPeer();
  mech.start(peer);
  return { mech, peer };
}

function client(): { mech: PlainClientMechanism; peer: RecordingPeer } {
  const mech = new PlainClientMechanism({
    metadata: [["Socket-Type", "REQ"], ["Identity", ""]],
    address: "tcp://10.0.0.1:5555",
    credentials: { username: Buffer.from("admin"), password: Buffer.from(SECRET) },
  });
  const peer = new RecordingPeer();
  mech.start(peer);
  return { mech, peer };
}

/** Moves every command one side sent to the other, until both are quiet. */
function pump(a: { mech: Mechanism; peer: RecordingPeer }, b: { mech: Mechanism; peer: RecordingPeer }): void {
  for (let guard = 0; guard < 10 && (a.peer.sent.length > 0 || b.peer.sent.length > 0); guard++) {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const bodies = from.peer.sent.splice(0);
      for (const body of bodies) to.mech.onCommand(to.mech.decode ? to.mech.decode(body) : decodeCommand(body));
    }
  }
}

test("a client and a server complete the handshake; the server gets the user id", () => {
  const asked: { user?: string; address?: string } = {};
  const s = server(fixed({ status: 200, userId: "user-7" }, asked));
  const c = client();
  pump(c, s);
  assert.equal(asked.user, "admin");
  assert.equal(asked.address, "tcp://10.0.0.7:4242");
  assert.ok(s.peer.readyWith, "server ready");
  assert.equal(s.peer.readyWith.userId, "user-7");
  assert.equal(s.peer.readyWith.metadata.get("socket-type")?.toString(), "REQ");
  assert.ok(c.peer.readyWith, "client ready");
  assert.equal(c.peer.readyWith.metadata.get("socket-type")?.toString(), "REP");
});

test("a refusal sends ERROR 400 in libzmq's form and fails both sides with EACCES, without the credentials", () => {
  const s = server(fixed({ status: 400, statusText: "bad password" }));
  const c = client();
  const hello = c.peer.sent.shift()!;
  s.mech.onCommand(decodePlainCommand(hello));
  assert.ok(s.peer.failedWith instanceof ZmtpAuthError);
  assert.equal(s.peer.failedWith.code, "EACCES");
  assert.equal(s.peer.failedWith.status, 400);
  assert.equal(s.peer.sent.length, 1);
  assert.equal(s.peer.sent[0]!.toString("hex"), "5e52524f5203343030");
  assert.throws(
    () => c.mech.onCommand(c.mech.decode(s.peer.sent[0]!)),
    (e: unknown) => e instanceof ZmtpAuthError && e.status === 400 && e.code === "EACCES" && !e.message.includes(SECRET),
  );
  assert.ok(!s.peer.failedWith.message.includes(SECRET));
});

test("status 300 closes without ERROR (a temporary failure the client retries)", () => {
  const s = server(fixed({ status: 300 }));
  s.mech.onCommand(decodeCommand(encodeHello({ username: Buffer.from("u"), password: Buffer.from("p") })));
  assert.equal(s.peer.sent.length, 0);
  assert.equal((s.peer.failedWith as ZmtpAuthError).status, 300);
});

test("a late verdict after close() is ignored, and close() abandons the question", () => {
  let later: ((v: PlainVerdict) => void) | undefined;
  let abandoned = false;
  const s = server((_c, _a, done) => {
    later = done;
    return () => (abandoned = true);
  });
  s.mech.onCommand(decodeCommand(encodeHello({ username: Buffer.from("u"), password: Buffer.from("p") })));
  s.mech.close();
  assert.equal(abandoned, true);
  later!({ status: 200 });
  assert.equal(s.peer.sent.length, 0);
  assert.equal(s.peer.readyWith, undefined);
});

test("commands out of order are refused by the server", () => {
  const cases: [string, Buffer[]][] = [
    ["INITIATE before HELLO", [encodeInitiate([["Socket-Type", "REQ"]])]],
    ["READY before HELLO", [Buffer.from("\x05READY", "latin1")]],
    ["two HELLOs while waiting for the authenticator", [
      encodeHello({ username: Buffer.from("u"), password: Buffer.from("p") }),
      encodeHello({ username: Buffer.from("u"), password: Buffer.from("p") }),
    ]],
    ["ERROR from the client", [Buffer.from("\x05ERROR\x03400", "latin1")]],
  ];
  for (const [what, bodies] of cases) {
    const s = server(() => undefined); // never answers
    assert.throws(
      () => {
        for (const b of bodies) s.mech.onCommand(decodePlainCommand(b));
      },
      (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EMECHANISM",
      what,
    );
  }
});

test("commands out of order are refused by the client", () => {
  const cases: [string, Buffer][] = [
    ["READY before WELCOME", Buffer.from("\x05READY\x0bSocket-Type\x00\x00\x00\x03REP", "latin1")],
    ["HELLO from the server", encodeHello({ username: Buffer.alloc(0), password: Buffer.alloc(0) })],
  ];
  for (const [what, body] of cases) {
    const c = client();
    assert.throws(() => c.mech.onCommand(c.mech.decode(body)), (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EMECHANISM", what);
  }
});

test("the server refuses a client that claims the server role in its greeting", () => {
  const s = server(() => undefined);
  assert.throws(() => s.mech.checkPeer(true), (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EMECHANISM");
  s.mech.checkPeer(false);
});

test("a free-text ERROR is still a refusal of our credentials", () => {
  const c = client();
  assert.throws(
    () => c.mech.onCommand(c.mech.decode(Buffer.from("\x05ERROR\x13Invalid credentials", "latin1"))),
    (e: unknown) => e instanceof ZmtpAuthError && /Invalid credentials/.test(e.message),
  );
  assert.equal(decodeError(Buffer.from("\x13Invalid credentials", "latin1")), "Invalid credentials");
});

/** Feeds bytes to a mechanism through a frame decoder, as the engine does during the handshake. */
function feed(mech: Mechanism, bytes: Uint8Array[]): void {
  const decoder = new FrameDecoder({
    onFrame: (body, flags) => {
      if ((flags & 0x04) === 0) throw new ZmtpProtocolError("message frame before the handshake");
      mech.onCommand(mech.decode ? mech.decode(body) : decodeCommand(body));
    },
  }, 64 * 1024);
  for (const b of bytes) decoder.push(Buffer.from(b));
}

const bytesArb = fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 });
/** Mostly-valid frames: a command flag and a short size, then arbitrary octets, so the mechanism is reached. */
const framedArb = fc.array(
  fc.tuple(fc.constantFrom(0x04, 0x04, 0x00, 0x06), fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom("HELLO", "WELCOME", "INITIATE", "READY", "ERROR").chain((name) =>
      fc.uint8Array({ maxLength: 40 }).map((rest) => new Uint8Array([name.length, ...Buffer.from(name), ...rest]))),
  )).map(([flags, body]) => flags === 0x06
    ? new Uint8Array([flags, 0, 0, 0, 0, 0, 0, 0, body.length, ...body])
    : new Uint8Array([flags, body.length, ...body])),
  { maxLength: 6 },
);

test("property: arbitrary bytes during the handshake throw only ZmtpProtocolError (both sides)", () => {
  fc.assert(
    fc.property(fc.oneof(bytesArb, framedArb), fc.boolean(), fc.constantFrom<PlainVerdict["status"]>(200, 300, 400, 500), (chunks, asServer, status) => {
      const side = asServer ? server(fixed({ status })) : client();
      try {
        feed(side.mech, chunks);
      } catch (e) {
        assert.ok(e instanceof ZmtpProtocolError, `threw ${String(e)}`);
      }
    }),
    { numRuns: 2000 },
  );
});
