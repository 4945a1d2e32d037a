/**
 * ZMTP commands and metadata (RFC 23 "Commands", RFC 37 PING/PONG,
 * SUBSCRIBE/CANCEL), the NULL mechanism and the socket-type table.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  NullMechanism, PING_CONTEXT_MAX, ZmtpProtocolError, compatibleSocketTypes, decodeCommand, decodeError,
  decodeMetadata, decodePing, encodeCancel, encodeCommand, encodeError, encodeMetadata, encodePing, encodePong,
  encodeReady, encodeSubscribe, sendsIdentity, SOCKET_TYPE_NUMBER, type Metadata, type SocketTypeName,
} from "../../../src/zmtp/wire/index.js";
import { hex } from "./chunks.js";

const isProto = (e: unknown): boolean => e instanceof ZmtpProtocolError;

/** One raw metadata property, built by hand. */
function prop(name: string, value: Buffer | string): Buffer {
  const v = Buffer.from(value);
  const h = Buffer.alloc(1 + name.length + 4);
  h[0] = name.length;
  h.write(name, 1, "latin1");
  h.writeUInt32BE(v.length, 1 + name.length);
  return Buffer.concat([h, v]);
}

test("DEALER READY with an empty Identity is byte for byte the spec example", () => {
  const body = encodeReady([["Socket-Type", "DEALER"], ["Identity", Buffer.alloc(0)]]);
  assert.equal(body.length, 0x29);
  assert.equal(
    hex(body),
    "05" + Buffer.from("READY").toString("hex") +
      "0b" + Buffer.from("Socket-Type").toString("hex") + "00000006" + Buffer.from("DEALER").toString("hex") +
      "08" + Buffer.from("Identity").toString("hex") + "00000000",
  );
});

test("decodeCommand splits name and data; data is a view of the body", () => {
  const body = encodeCommand("HELLO", Buffer.from([1, 2, 3]));
  const cmd = decodeCommand(body);
  assert.equal(cmd.name, "HELLO");
  assert.equal(hex(cmd.data), "010203");
  assert.equal(cmd.data.buffer, body.buffer);
  assert.deepEqual(decodeCommand(Buffer.from([1, 0x58])), { name: "X", data: Buffer.alloc(0) });
});

test("decodeCommand refuses an empty frame, an empty name and a name running past the frame", () => {
  assert.throws(() => decodeCommand(Buffer.alloc(0)), isProto);
  assert.throws(() => decodeCommand(Buffer.from([0, 1, 2])), isProto);
  assert.throws(() => decodeCommand(Buffer.from([5, 0x52, 0x45])), isProto);
  assert.throws(() => decodeCommand(Buffer.from([0xff])), isProto);
});

test("metadata: names are matched case-insensitively, unknown and empty-valued properties are kept", () => {
  const data = Buffer.concat([
    prop("socket-TYPE", "REQ"),
    prop("X-Custom", "v"),
    prop("Identity", ""),
    prop("Resource", "/a/b"),
  ]);
  const md = decodeMetadata(data);
  assert.equal(md.get("socket-type")?.toString(), "REQ");
  assert.equal(md.get("x-custom")?.toString(), "v");
  assert.equal(md.get("identity")?.length, 0);
  assert.equal(md.get("resource")?.toString(), "/a/b");
  assert.equal(md.size, 4);
  assert.equal(decodeMetadata(Buffer.alloc(0)).size, 0);
});

test("metadata: a truncated name, size or value, and an empty name, are refused", () => {
  const good = prop("Socket-Type", "DEALER");
  for (let cut = 1; cut < good.length; cut++) {
    assert.throws(() => decodeMetadata(good.subarray(0, cut)), isProto, `cut at ${cut}`);
  }
  assert.throws(() => decodeMetadata(Buffer.concat([good, Buffer.from([0, 0, 0, 0, 0])])), /empty name/);
  // A value size far past the end (0xFFFFFFFF) must not be read as a huge slice.
  const huge = prop("A", "");
  huge.writeUInt32BE(0xffffffff, 2);
  assert.throws(() => decodeMetadata(Buffer.concat([huge, Buffer.from("xyz")])), /truncated/);
});

test("metadata round trip keeps values and lower-cases names", () => {
  const md = decodeMetadata(encodeMetadata([["Socket-Type", "ROUTER"], ["Identity", Buffer.from([0, 1, 2])], ["X-Hello", "world"]]));
  assert.deepEqual([...md.keys()], ["socket-type", "identity", "x-hello"]);
  assert.equal(hex(md.get("identity")!), "000102");
});

test("PING carries the TTL in tenths of a second and 0..16 octets of context; PONG echoes it", () => {
  for (let n = 0; n <= PING_CONTEXT_MAX; n++) {
    const ctx = Buffer.alloc(n, n + 1);
    const cmd = decodeCommand(encodePing(12.3, ctx));
    assert.equal(cmd.name, "PING");
    const ping = decodePing(cmd.data);
    assert.equal(ping.ttl, 12);
    assert.equal(hex(ping.context), hex(ctx));
    const pong = decodeCommand(encodePong(ping.context));
    assert.equal(pong.name, "PONG");
    assert.equal(hex(pong.data), hex(ctx));
  }
  assert.equal(hex(encodePing(0)), "0450494e470000");
  assert.equal(decodePing(decodeCommand(encodePing(1e9)).data).ttl, 0xffff);
  assert.equal(decodePing(decodeCommand(encodePing(-5)).data).ttl, 0);
});

test("PING shorter than its TTL is refused; a context over 16 octets is cut to 16 as libzmq does", () => {
  assert.throws(() => decodePing(Buffer.alloc(0)), isProto);
  assert.throws(() => decodePing(Buffer.alloc(1)), isProto);
  const long = Buffer.concat([Buffer.from([0, 10]), Buffer.alloc(40, 7)]);
  const ping = decodePing(long);
  assert.equal(ping.ttl, 10);
  assert.equal(hex(ping.context), "07".repeat(16));
});

test("ERROR reasons: round trip, empty, 255 octets, cut to 255, malformed refused", () => {
  for (const reason of ["", "Invalid socket type", "x".repeat(255)]) {
    const cmd = decodeCommand(encodeError(reason));
    assert.equal(cmd.name, "ERROR");
    assert.equal(decodeError(cmd.data), reason);
  }
  assert.equal(decodeError(decodeCommand(encodeError("y".repeat(300))).data), "y".repeat(255));
  assert.throws(() => decodeError(Buffer.alloc(0)), isProto);
  assert.throws(() => decodeError(Buffer.from([5, 0x61])), isProto);
  assert.equal(decodeError(Buffer.from([1, 0x61, 0x62])), "a");
});

test("SUBSCRIBE and CANCEL carry the topic as the rest of the command", () => {
  assert.equal(hex(encodeSubscribe(Buffer.from("ab"))), "09" + Buffer.from("SUBSCRIBE").toString("hex") + "6162");
  assert.equal(hex(encodeCancel(Buffer.alloc(0))), "06" + Buffer.from("CANCEL").toString("hex"));
  const topic = Buffer.alloc(250, 0x41);
  const body = encodeSubscribe(topic);
  assert.equal(body.length, 260); // over 255: needs the long frame form
  assert.equal(hex(decodeCommand(body).data), hex(topic));
});

/** Runs a NULL handshake with a recording peer. */
function nullPeer() {
  const sent: Buffer[] = [];
  let readyWith: Metadata | undefined;
  const mech = new NullMechanism({ metadata: [["Socket-Type", "REQ"], ["Identity", "me"]], address: "test" });
  mech.start({ sendCommand: (b) => sent.push(b), ready: (m) => (readyWith = m), fail: () => assert.fail("fail not expected") });
  return { mech, sent, ready: () => readyWith };
}

test("NULL mechanism: sends READY with our metadata at start, reports the peer's READY metadata", () => {
  const p = nullPeer();
  assert.equal(p.mech.name, "NULL");
  assert.equal(p.mech.asServer, false);
  assert.equal(p.sent.length, 1);
  const cmd = decodeCommand(p.sent[0]!);
  assert.equal(cmd.name, "READY");
  assert.equal(decodeMetadata(cmd.data).get("identity")?.toString(), "me");
  p.mech.onCommand(decodeCommand(encodeReady([["SOCKET-TYPE", "REP"]])));
  assert.equal(p.ready()?.get("socket-type")?.toString(), "REP");
});

test("NULL mechanism: ERROR gives EPEERERROR with the reason; another command or a second READY gives EMECHANISM", () => {
  const a = nullPeer();
  assert.throws(() => a.mech.onCommand(decodeCommand(encodeError("go away"))), (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EPEERERROR" && /go away/.test(e.message));
  const b = nullPeer();
  assert.throws(() => b.mech.onCommand(decodeCommand(encodeCommand("HELLO"))), (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EMECHANISM");
  const c = nullPeer();
  c.mech.onCommand(decodeCommand(encodeReady([["Socket-Type", "REP"]])));
  assert.throws(() => c.mech.onCommand(decodeCommand(encodeReady([["Socket-Type", "REP"]]))), (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EMECHANISM");
  const d = nullPeer();
  assert.throws(() => d.mech.onCommand(decodeCommand(encodeCommand("READY", Buffer.from([3, 0x61])))), isProto);
});

test("socket-type table: the legal pairs of the spec, symmetric, and nothing else", () => {
  const legal = new Set([
    "REQ-REP", "REQ-ROUTER", "DEALER-REP", "DEALER-DEALER", "DEALER-ROUTER", "ROUTER-ROUTER",
    "PUB-SUB", "PUB-XSUB", "XPUB-SUB", "XPUB-XSUB", "PUSH-PULL", "PAIR-PAIR",
    // The draft pairs (RFC 41, 48, 49); STREAM speaks no ZMTP and pairs with nothing.
    "SERVER-CLIENT", "RADIO-DISH", "SCATTER-GATHER",
  ]);
  const types = Object.keys(SOCKET_TYPE_NUMBER) as SocketTypeName[];
  for (const a of types) {
    for (const b of types) {
      const ok = legal.has(`${a}-${b}`) || legal.has(`${b}-${a}`);
      assert.equal(compatibleSocketTypes(a, b), ok, `${a}-${b}`);
    }
    assert.equal(compatibleSocketTypes(a, a.toLowerCase()), false, "socket type values are case-sensitive");
    assert.equal(compatibleSocketTypes(a, ""), false);
  }
  assert.deepEqual(types.filter(sendsIdentity), ["REQ", "DEALER", "ROUTER"]);
});

const nameArb = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 255 });

test("property: commands and metadata round trip", () => {
  fc.assert(
    fc.property(nameArb, fc.array(fc.tuple(nameArb, fc.uint8Array({ maxLength: 300 })), { maxLength: 6 }), (name, props) => {
      const body = encodeCommand(name, encodeMetadata(props.map(([n, v]) => [n, Buffer.from(v)] as const)));
      const cmd = decodeCommand(body);
      assert.equal(cmd.name, name);
      const md = decodeMetadata(cmd.data);
      // Later duplicates (case-insensitive) win, as a Map set would.
      const expected = new Map<string, string>();
      for (const [n, v] of props) expected.set(n.toLowerCase(), hex(v));
      assert.deepEqual(new Map([...md].map(([k, v]) => [k, hex(v)])), expected);
    }),
  );
});

test("property: arbitrary octets give a command/metadata/ping/error or a ZmtpProtocolError, nothing else", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const b = Buffer.from(bytes);
      for (const f of [decodeCommand, decodeMetadata, decodePing, decodeError] as ((x: Buffer) => unknown)[]) {
        try {
          f(b);
        } catch (e) {
          assert.ok(e instanceof ZmtpProtocolError, String(e));
        }
      }
    }),
  );
});
