/**
 * The ZMTP greeting (RFC 23 "Version Negotiation", RFC 37): our encoding,
 * and the reader under every split, with the checks libzmq makes and the
 * ones it deliberately does not make (padding, filler).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { GREETING_SIZE, GreetingReader, ZmtpProtocolError, encodeGreeting, type MechanismName } from "../../../src/zmtp/wire/index.js";
import { bytewise, cutsArb, hex, splitAt } from "./chunks.js";

/** Feeds chunks until the reader completes; returns the result and how many chunks it took. */
function readAll(chunks: readonly Buffer[]) {
  const reader = new GreetingReader();
  for (let i = 0; i < chunks.length; i++) {
    const done = reader.push(chunks[i]!);
    if (done) return { ...done, at: i, reader };
  }
  return undefined;
}

/** A greeting with chosen fields, built by hand rather than by encodeGreeting. */
function greeting(fields: { major?: number; minor?: number; mechanism?: string; asServer?: number; padding?: number; filler?: number } = {}): Buffer {
  const b = Buffer.alloc(64);
  b[0] = 0xff;
  b.fill(fields.padding ?? 0, 1, 9);
  if (fields.padding === undefined) b[8] = 1;
  b[9] = 0x7f;
  b[10] = fields.major ?? 3;
  b[11] = fields.minor ?? 1;
  b.write(fields.mechanism ?? "NULL", 12, 20, "latin1");
  b[32] = fields.asServer ?? 0;
  b.fill(fields.filler ?? 0, 33);
  return b;
}

test("our NULL greeting is 64 octets: FF, libzmq padding, 7F, 03 01, NULL, as-server 0, zero filler", () => {
  const g = encodeGreeting("NULL", false);
  assert.equal(g.length, GREETING_SIZE);
  assert.equal(
    hex(g),
    "ff" + "0000000000000001" + "7f" + "03" + "01" + Buffer.from("NULL").toString("hex") + "00".repeat(16) + "00" + "00".repeat(31),
  );
});

test("encodeGreeting writes the mechanism NUL-padded, the as-server flag and the minor asked for", () => {
  for (const mech of ["NULL", "PLAIN", "CURVE"] as MechanismName[]) {
    for (const asServer of [false, true]) {
      const g = encodeGreeting(mech, asServer, 0);
      assert.equal(g.toString("latin1", 12, 12 + mech.length), mech);
      assert.ok(g.subarray(12 + mech.length, 32).every((x) => x === 0));
      assert.equal(g[32], asServer ? 1 : 0);
      assert.equal(g[11], 0);
    }
  }
});

test("our greeting reads back through the reader under every single split point", () => {
  const g = encodeGreeting("PLAIN", true);
  for (let cut = 0; cut <= 64; cut++) {
    const r = readAll([g.subarray(0, cut), g.subarray(cut)]);
    assert.ok(r, `split at ${cut}`);
    assert.deepEqual(r.greeting, { major: 3, minor: 1, mechanism: "PLAIN", asServer: true });
    assert.equal(r.rest.length, 0);
  }
});

test("a greeting fed one octet at a time completes on the 64th octet, not before", () => {
  const chunks = bytewise(greeting());
  const reader = new GreetingReader();
  for (let i = 0; i < 63; i++) {
    assert.equal(reader.push(chunks[i]!), undefined);
    assert.equal(reader.received, i + 1);
  }
  const done = reader.push(chunks[63]!);
  assert.deepEqual(done?.greeting, { major: 3, minor: 1, mechanism: "NULL", asServer: false });
});

test("octets after the greeting in the same chunk come back as rest, unchanged", () => {
  const tail = Buffer.from([0x04, 0x06, 0x05, 0x52, 0x45, 0x41, 0x44, 0x59]);
  const r = readAll([Buffer.concat([greeting(), tail])]);
  assert.ok(r);
  assert.equal(hex(r.rest), hex(tail));
});

test("padding and filler are never validated", () => {
  for (const padding of [0x00, 0x01, 0x55, 0xff]) {
    for (const filler of [0x00, 0xaa, 0xff]) {
      const r = readAll(bytewise(greeting({ padding, filler })));
      assert.deepEqual(r?.greeting, { major: 3, minor: 1, mechanism: "NULL", asServer: false }, `padding ${padding} filler ${filler}`);
    }
  }
});

test("minor 0, 1 and 2 are accepted and reported as sent", () => {
  for (const minor of [0, 1, 2]) {
    assert.equal(readAll([greeting({ minor })])?.greeting.minor, minor);
  }
});

test("a major version above 3 is accepted (the peer talks down to us)", () => {
  for (const major of [4, 0x7f, 0xff]) {
    assert.equal(readAll([greeting({ major, minor: 0 })])?.greeting.major, major);
  }
});

test("byte 0 other than FF is refused as soon as it arrives", () => {
  for (const first of [0x00, 0x01, 0x7f, 0xfe]) {
    const reader = new GreetingReader();
    assert.throws(() => reader.push(Buffer.from([first])), (e: unknown) => e instanceof ZmtpProtocolError && e.code === "EPROTO");
  }
});

test("a signature whose octet 9 has bit 0 clear (ZMTP 1.0/2.0 framing) is refused once octet 9 arrives", () => {
  const g = greeting();
  g[9] = 0x00;
  const reader = new GreetingReader();
  assert.equal(reader.push(g.subarray(0, 9)), undefined);
  assert.throws(() => reader.push(g.subarray(9, 10)), ZmtpProtocolError);
});

test("a major version below 3 is refused as soon as octet 10 arrives", () => {
  for (const major of [0, 1, 2]) {
    const g = greeting({ major });
    const reader = new GreetingReader();
    assert.equal(reader.push(g.subarray(0, 10)), undefined);
    assert.throws(() => reader.push(g.subarray(10, 11)), /major version/);
  }
});

test("the mechanism name ends at its first NUL; as-server is 1 only for 0x01", () => {
  assert.equal(readAll([greeting({ mechanism: "CURVE" })])?.greeting.mechanism, "CURVE");
  assert.equal(readAll([greeting({ mechanism: "X".repeat(20) })])?.greeting.mechanism, "X".repeat(20));
  assert.equal(readAll([greeting({ asServer: 1 })])?.greeting.asServer, true);
  assert.equal(readAll([greeting({ asServer: 0 })])?.greeting.asServer, false);
});

test("property: any valid greeting plus trailing octets survives any chunking", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 255 }),
      fc.nat(255),
      fc.constantFrom<MechanismName>("NULL", "PLAIN", "CURVE"),
      fc.boolean(),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ maxLength: 40 }),
      cutsArb,
      (major, minor, mechanism, asServer, padding, tail, cuts) => {
        const g = greeting({ major, minor, mechanism, asServer: asServer ? 1 : 0 });
        g.set(padding, 1);
        const r = readAll(splitAt(Buffer.concat([g, tail]), cuts));
        assert.ok(r);
        assert.deepEqual(r.greeting, { major, minor, mechanism, asServer });
        // The rest is what followed the greeting in the completing chunk; the
        // chunks after it (never fed) hold the remainder of the tail.
        const all = splitAt(Buffer.concat([g, tail]), cuts);
        const after = Buffer.concat([r.rest, ...all.slice(r.at + 1)]);
        assert.equal(hex(after), hex(tail));
      },
    ),
  );
});

test("property: arbitrary octets give a greeting, undefined, or a ZmtpProtocolError, nothing else", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), cutsArb, (bytes, cuts) => {
      const reader = new GreetingReader();
      try {
        for (const c of splitAt(Buffer.from(bytes), cuts)) if (reader.push(c)) break;
      } catch (e) {
        assert.ok(e instanceof ZmtpProtocolError, String(e));
      }
    }),
  );
});
