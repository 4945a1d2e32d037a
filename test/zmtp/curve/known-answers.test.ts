/**
 * Known answers for CURVE's building blocks: Z85 (RFC 32's example and
 * libzmq's test key pairs), X25519 (RFC 7748), crypto_box_beforenm and
 * crypto_box (NaCl's published box vector), and the refusals of bad keys.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey } from "node:crypto";
import fc from "fast-check";
import { curveKeyPair, z85, ZmqError } from "../../../src/index.js";
import { parseCurveKey } from "../../../src/zmtp/security/curve-keys.js";
import {
  generateKeyPair, importSecretKey, openBox, openPrefixed, prefixKey, sealBox, sealPrefixedInPlace, sharedKey,
} from "../../../src/zmtp/wire/curve-crypto.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const isEinval = (e: unknown) => e instanceof ZmqError && e.code === "EINVAL";

test("Z85: RFC 32's example both ways", () => {
  const octets = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(z85.encode(octets), "HelloWorld");
  assert.deepEqual(z85.decode("HelloWorld"), octets);
  assert.equal(z85.encode(Buffer.alloc(0)), "");
  assert.equal(z85.encode(Buffer.from([0xff, 0xff, 0xff, 0xff])), "%nSc0");
});

test("Z85: wrong lengths, characters outside the alphabet and groups over 32 bits are EINVAL with the reason", () => {
  assert.throws(() => z85.encode(Buffer.alloc(3)), (e: unknown) => isEinval(e) && /multiple of 4/.test((e as Error).message));
  assert.throws(() => z85.decode("Hell"), (e: unknown) => isEinval(e) && /multiple of 5/.test((e as Error).message));
  assert.throws(() => z85.decode("Hello World"), isEinval);
  assert.throws(() => z85.decode("Hell\"World"), (e: unknown) => isEinval(e) && /position 4/.test((e as Error).message));
  assert.throws(() => z85.decode("Hellé"), isEinval);
  assert.throws(() => z85.decode("%nSc1"), (e: unknown) => isEinval(e) && /more than 4 octets/.test((e as Error).message));
});

test("libzmq's test key pairs: each public key is the one of its secret key", () => {
  const pairs = [
    ["Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"],
    ["rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"],
  ];
  for (const [publicKey, secretKey] of pairs) {
    assert.equal(z85.encode(importSecretKey(z85.decode(secretKey!)).publicKey), publicKey);
  }
});

test("importSecretKey (through JWK) makes the key node:crypto makes of the PKCS#8 form, for any 32 octets", () => {
  const pkcs8 = hex("302e020100300506032b656e04220420");
  const check = (secretKey: Uint8Array) => {
    const ours = importSecretKey(secretKey);
    const reference = createPrivateKey({ key: Buffer.concat([pkcs8, secretKey]), format: "der", type: "pkcs8" });
    assert.deepEqual(ours.publicKey, createPublicKey(reference).export({ format: "der", type: "spki" }).subarray(12));
    assert.deepEqual(ours.secret.export({ format: "der", type: "pkcs8" }), reference.export({ format: "der", type: "pkcs8" }));
  };
  check(Buffer.alloc(32));
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), check), { numRuns: 30 });
});

test("curveKeyPair: Z85 keys of 40 characters that belong together", () => {
  const { publicKey, secretKey } = curveKeyPair();
  assert.equal(publicKey.length, 40);
  assert.equal(secretKey.length, 40);
  assert.equal(z85.encode(importSecretKey(z85.decode(secretKey)).publicKey), publicKey);
});

// RFC 7748 section 6.1, and NaCl's tests/box.c (the same Alice and Bob).
const aliceSecret = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const alicePublic = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
const bobSecret = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const bobPublic = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
/** crypto_box_beforenm(bobpk, alicesk): HSalsa20 of the X25519 secret. */
const firstKey = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
const boxNonce = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
const message = hex(`
  be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864 5e0705`);
const box = hex(`
  f3ffc7703f9400e52a7dfb4b3d3305d9 8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5`);

test("X25519 public keys (RFC 7748) and the shared key both ways (NaCl beforenm)", () => {
  const alice = importSecretKey(aliceSecret);
  const bob = importSecretKey(bobSecret);
  assert.deepEqual(alice.publicKey, alicePublic);
  assert.deepEqual(bob.publicKey, bobPublic);
  assert.deepEqual(Buffer.from(sharedKey(alice.secret, bobPublic)), firstKey);
  assert.deepEqual(Buffer.from(sharedKey(bob.secret, alicePublic)), firstKey);
});

test("crypto_box: NaCl's vector sealed and opened, a changed octet refused", () => {
  assert.equal(message.length, 131);
  assert.deepEqual(sealBox(firstKey, boxNonce, message), box);
  assert.deepEqual(openBox(firstKey, boxNonce, box), message);
  for (const at of [0, 15, 16, box.length - 1]) {
    const tampered = Buffer.from(box);
    tampered[at]! ^= 1;
    assert.equal(openBox(firstKey, boxNonce, tampered), undefined, `octet ${at} changed`);
  }
  assert.equal(openBox(firstKey, boxNonce, box.subarray(0, 15)), undefined);
  const otherNonce = Buffer.from(boxNonce);
  otherNonce[23]! ^= 1;
  assert.equal(openBox(firstKey, otherNonce, box), undefined);
});

test("crypto_box with HSalsa20 done once per nonce prefix (the MESSAGE path) gives NaCl's vector too", () => {
  const subkey = prefixKey(firstKey, boxNonce.subarray(0, 16));
  const nonce8 = boxNonce.subarray(16);
  const buf = Buffer.alloc(32 + message.length);
  message.copy(buf, 32);
  sealPrefixedInPlace(subkey, nonce8, buf);
  assert.deepEqual(buf.subarray(16), box);
  assert.deepEqual(openPrefixed(subkey, nonce8, box), message);
  const tampered = Buffer.from(box);
  tampered[20]! ^= 4;
  assert.equal(openPrefixed(subkey, nonce8, tampered), undefined);
  assert.equal(openPrefixed(subkey, nonce8, box.subarray(0, 15)), undefined);
});

test("a low-order public key is refused as a protocol error, not a crash", () => {
  const ours = generateKeyPair();
  assert.throws(() => sharedKey(ours.secret, Buffer.alloc(32)), (e: unknown) => (e as { code?: string }).code === "EMECHANISM");
});

test("key options: 40 Z85 characters or 32 octets; anything else is EINVAL without quoting the value", () => {
  const { secretKey } = curveKeyPair();
  assert.deepEqual(parseCurveKey(secretKey, "curveSecretKey"), z85.decode(secretKey));
  assert.deepEqual(parseCurveKey(z85.decode(secretKey), "curveSecretKey"), z85.decode(secretKey));
  for (const bad of [secretKey.slice(1), `${secretKey}x`, Buffer.alloc(31), Buffer.alloc(33), 42, null, `${secretKey.slice(0, 39)}~`]) {
    assert.throws(() => parseCurveKey(bad, "curveSecretKey"), (e: unknown) => {
      assert.ok(isEinval(e));
      assert.match((e as Error).message, /curveSecretKey/);
      assert.ok(!(e as Error).message.includes(secretKey.slice(0, 20)), "the key is not quoted");
      return true;
    });
  }
});
