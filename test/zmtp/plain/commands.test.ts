/**
 * PLAIN commands (RFC 24): the octets libzmq 4.3 sends, malformed HELLOs
 * refused, and encode/decode round trips as properties.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ZmtpProtocolError, decodeCommand, decodeError, decodeHello, decodeInitiate, decodePlainCommand, decodeWelcome,
  encodeError, encodeHello, encodeInitiate, encodeLibzmqError, encodeWelcome, statusOfReason,
} from "../../../src/zmtp/wire/index.js";

const hex = (b: Buffer): string => b.toString("hex");

test("HELLO, WELCOME and INITIATE are the octets libzmq sends", () => {
  const hello = encodeHello({ username: Buffer.from("admin"), password: Buffer.from("secret") });
  assert.equal(hex(hello), hex(Buffer.concat([Buffer.from("\x05HELLO\x05admin\x06secret", "latin1")])));
  assert.equal(hex(encodeWelcome()), hex(Buffer.from("\x07WELCOME", "latin1")));
  const initiate = encodeInitiate([["Socket-Type", "REQ"], ["Identity", ""]]);
  assert.equal(
    hex(initiate),
    hex(Buffer.from("\x08INITIATE\x0bSocket-Type\x00\x00\x00\x03REQ\x08Identity\x00\x00\x00\x00", "latin1")),
  );
});

test("ERROR goes out in libzmq 4.3's form, 5E 'RROR' then the status", () => {
  assert.equal(hex(encodeLibzmqError("400")), "5e52524f5203343030");
  const cmd = decodePlainCommand(encodeLibzmqError("400"));
  assert.equal(cmd.name, "ERROR");
  assert.equal(decodeError(cmd.data), "400");
});

test("the RFC form of ERROR is read too", () => {
  const cmd = decodePlainCommand(encodeError("500"));
  assert.equal(cmd.name, "ERROR");
  assert.equal(decodeError(cmd.data), "500");
});

test("status codes are read from ERROR reasons", () => {
  assert.equal(statusOfReason("300"), 300);
  assert.equal(statusOfReason("400"), 400);
  assert.equal(statusOfReason("500"), 500);
  assert.equal(statusOfReason("200"), undefined);
  assert.equal(statusOfReason("Invalid credentials"), undefined);
});

test("usernames and passwords of 255 octets pass, 256 are refused", () => {
  const max = Buffer.alloc(255, 0x61);
  const hello = encodeHello({ username: max, password: max });
  const back = decodeHello(decodeCommand(hello).data);
  assert.equal(back.username.length, 255);
  assert.equal(back.password.length, 255);
  assert.throws(() => encodeHello({ username: Buffer.alloc(256), password: Buffer.alloc(0) }), RangeError);
});

test("malformed HELLOs are protocol errors", () => {
  const cases: [string, Buffer][] = [
    ["empty", Buffer.alloc(0)],
    ["username longer than the body", Buffer.from([5, 0x61, 0x62])],
    ["no password length", Buffer.from([1, 0x61])],
    ["password longer than the body", Buffer.from([1, 0x61, 9, 0x62])],
    ["trailing octets", Buffer.from([1, 0x61, 1, 0x62, 0x00])],
  ];
  for (const [what, data] of cases) {
    assert.throws(() => decodeHello(data), (e: unknown) => e instanceof ZmtpProtocolError && /HELLO/.test(e.message), what);
  }
});

test("WELCOME with data is a protocol error", () => {
  assert.throws(() => decodeWelcome(Buffer.from([0])), ZmtpProtocolError);
});

const credential = fc.uint8Array({ maxLength: 255 }).map((a) => Buffer.from(a));

test("property: HELLO round-trips any credentials", () => {
  fc.assert(
    fc.property(credential, credential, (username, password) => {
      const cmd = decodePlainCommand(encodeHello({ username, password }));
      assert.equal(cmd.name, "HELLO");
      const back = decodeHello(cmd.data);
      assert.ok(back.username.equals(username));
      assert.ok(back.password.equals(password));
    }),
  );
});

test("property: INITIATE round-trips metadata", () => {
  const name = fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom(..."abcdefghijXYZ-_") });
  const props = fc.uniqueArray(fc.tuple(name, fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))), {
    selector: ([n]) => n.toLowerCase(),
    maxLength: 6,
  });
  fc.assert(
    fc.property(props, (list) => {
      const cmd = decodePlainCommand(encodeInitiate(list));
      assert.equal(cmd.name, "INITIATE");
      const meta = decodeInitiate(cmd.data);
      assert.equal(meta.size, list.length);
      for (const [n, v] of list) assert.ok(meta.get(n.toLowerCase())!.equals(v));
    }),
  );
});

test("property: ERROR reasons round-trip in both forms", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom(..."0123456789 abcXYZ") }), (reason) => {
      assert.equal(decodeError(decodePlainCommand(encodeLibzmqError(reason)).data), reason);
      assert.equal(decodeError(decodePlainCommand(encodeError(reason)).data), reason);
    }),
  );
});

test("property: arbitrary HELLO data decodes or throws ZmtpProtocolError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
      try {
        const c = decodeHello(Buffer.from(data));
        assert.equal(2 + c.username.length + c.password.length, data.length);
      } catch (e) {
        assert.ok(e instanceof ZmtpProtocolError, String(e));
      }
    }),
  );
});
