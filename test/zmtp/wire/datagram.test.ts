/**
 * The address part of DGRAM messages (wire/datagram.ts): libzmq's form of
 * a sender's address, and its reading of an address to send to, which
 * follows glibc's inet_addr() and atoi(). test/interop/datagram.test.ts
 * checks the same addresses against libzmq itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeDatagramAddress, encodeDatagramAddress } from "../../../src/zmtp/wire/datagram.js";

const read = (text: string): string | undefined => {
  const to = decodeDatagramAddress(Buffer.from(text, "latin1"));
  return to && `${to.host} ${to.port}`;
};

test("a sender's address is ip:port with libzmq's NUL after it", () => {
  assert.deepEqual(encodeDatagramAddress("10.1.2.3", 5555), Buffer.from("10.1.2.3:5555\0"));
});

test("any IPv4 address and port reads back from its address part", () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (host, port) => {
      assert.deepEqual(decodeDatagramAddress(encodeDatagramAddress(host, port)), { host, port });
    }),
  );
});

test("hosts as inet_addr() reads them: one to four parts, decimal, octal, hex; a space ends them", () => {
  const cases: Array<[string, string | undefined]> = [
    ["127.0.0.1:80", "127.0.0.1 80"],
    ["127.1:80", "127.0.0.1 80"],
    ["127.0.1:80", "127.0.0.1 80"],
    ["2130706433:80", "127.0.0.1 80"],
    ["0x7f.0.0.1:80", "127.0.0.1 80"],
    ["0X7F.0.0.1:80", "127.0.0.1 80"],
    ["0177.0.0.01:80", "127.0.0.1 80"],
    ["127.0.0.1 :80", "127.0.0.1 80"],
    ["127.0.0.1 junk:80", "127.0.0.1 80"],
    ["127.0.0.1\0junk:80", "127.0.0.1 80"],
    ["10.0.65535:80", "10.0.255.255 80"],
    ["0.0.0.0:80", "0.0.0.0 80"],
    ["08.0.0.1:80", undefined],
    ["0x.0.0.1:80", undefined],
    ["127.0.0.256:80", undefined],
    ["127.0.0.1.1:80", undefined],
    ["256.0.0.1:80", undefined],
    ["127.0.65536:80", undefined],
    ["4294967296:80", undefined],
    ["255.255.255.255:80", undefined],
    [" 127.0.0.1:80", undefined],
    ["localhost:80", undefined],
    ["[127.0.0.1]:80", undefined],
    ["127.0.0.1x:80", undefined],
    ["127..0.1:80", undefined],
    [":80", undefined],
    ["::1:80", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(read(text), expected, JSON.stringify(text));
});

test("ports as atoi() reads them, modulo 2^16; port 0 and no colon are refused", () => {
  const cases: Array<[string, string | undefined]> = [
    ["1.2.3.4:5555\0", "1.2.3.4 5555"],
    ["1.2.3.4:5555junk", "1.2.3.4 5555"],
    ["1.2.3.4: \t+5555", "1.2.3.4 5555"],
    ["1.2.3.4:70000", "1.2.3.4 4464"],
    ["1.2.3.4:-1", "1.2.3.4 65535"],
    ["1.2.3.4:99999999999999999999999", "1.2.3.4 65535"],
    ["1.2.3.4:-99999999999999999999999", undefined],
    ["1.2.3.4:65536", undefined],
    ["1.2.3.4:0", undefined],
    ["1.2.3.4:", undefined],
    ["1.2.3.4:x80", undefined],
    ["1.2.3.4", undefined],
    ["", undefined],
    // The last colon separates: an earlier one belongs to the host, which then does not read.
    ["1.2.3.4:80:90", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(read(text), expected, JSON.stringify(text));
});
