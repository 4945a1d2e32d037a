/**
 * Values that survive the trip: arbitrary msgpack values (maps with
 * non-string keys, 64-bit integers, binary, floats) sent as an argument
 * and echoed back through a real server and client, in each msgpack
 * protocol; and the shared codec checked against @msgpack/msgpack.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decode, encode } from "@msgpack/msgpack";
import fc from "fast-check";
import { RpcClient, RpcServer, decodeMsgpack, encodeMsgpack, type RpcProtocol } from "../../src/rpc/index.js";

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE = 2n ** 53n;

/** Integers beyond 2^53 (what comes back as bigint), up to 64 bits. */
const bigInteger = fc.oneof(fc.bigInt({ min: SAFE, max: UINT64_MAX }), fc.bigInt({ min: INT64_MIN, max: -SAFE }));
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  bigInteger,
  fc.double(),
  fc.string({ unit: "grapheme" }),
  fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
);
/** Keys of maps that are not all strings: these come back as a Map, keys and order kept. */
const mapKey = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), bigInteger);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string().filter((k) => k !== "__proto__"), tie("value"), { maxKeys: 5, noNullPrototype: true }),
    fc.uniqueArray(fc.tuple(mapKey, tie("value")), { minLength: 1, maxLength: 5, selector: ([k]) => k }).map((entries) => new Map(entries)),
  ),
}));

test("the msgpack codec round-trips arbitrary values exactly", () => {
  fc.assert(fc.property(value, (v) => assert.deepStrictEqual(decodeMsgpack(encodeMsgpack(v)), v)), { numRuns: 500 });
});

test("the msgpack codec agrees with @msgpack/msgpack on the values both carry", () => {
  const plain = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.double({ noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.array(tie("v"), { maxLength: 4 }), fc.dictionary(fc.string().filter((k) => k !== "__proto__"), tie("v"), { maxKeys: 4, noNullPrototype: true })),
  })).v;
  fc.assert(
    fc.property(plain, (v) => {
      assert.deepStrictEqual(encodeMsgpack(v), Buffer.from(encode(v)));
      assert.deepStrictEqual(decodeMsgpack(Buffer.from(encode(v))), decode(encode(v)));
    }),
    { numRuns: 300 },
  );
});

for (const protocol of ["luaovermq", "zerorpc"] as RpcProtocol[]) {
  test(`${protocol}: arbitrary values come back from a real server as they were sent`, async (t) => {
    const server = new RpcServer({ protocol });
    server.register("echo", (v: unknown) => v);
    await server.bind("tcp://127.0.0.1:0");
    const client = new RpcClient(server.endpoint!, { protocol, timeout: 5000 });
    t.after(() => {
      client.close();
      server.close();
    });
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        assert.deepStrictEqual(await client.call("echo", v), v);
      }),
      { numRuns: 150 },
    );
    // The cases a Lua or Python peer sends, named.
    const named: unknown[] = [
      new Map([[1, "a"], [2, "b"]]),
      new Map([[true, 1], [false, 0]]),
      { outer: new Map<unknown, unknown>([[1, new Map([[2n ** 63n - 1n, [INT64_MIN]]])]]) },
      [UINT64_MAX, -(2n ** 53n) - 1n, 2 ** 53 - 1],
    ];
    for (const v of named) assert.deepStrictEqual(await client.call("echo", v), v);
  });
}

test("a float with an integral value is the integer it equals (JavaScript has one number type)", async (t) => {
  // 1.0 as float 64 on the wire...
  const floatOne = Buffer.from("cb3ff0000000000000", "hex");
  assert.equal(decodeMsgpack(floatOne), 1);
  // ...is sent back as the integer 1.
  assert.deepStrictEqual(encodeMsgpack(decodeMsgpack(floatOne)), Buffer.from([0x01]));
  assert.deepStrictEqual(encodeMsgpack(1.5), Buffer.from("cb3ff8000000000000", "hex"));
  t.diagnostic("integral floats become integers; other floats stay float 64");
});

test("manley: integers beyond 2^53 come back exact through a real server; a Map comes back with Python's text keys", async (t) => {
  const server = new RpcServer({ protocol: "manley" });
  server.register("echo", (v: unknown) => v);
  await server.bind("tcp://127.0.0.1:0");
  const client = new RpcClient(server.endpoint!, { protocol: "manley", timeout: 5000 });
  t.after(() => {
    client.close();
    server.close();
  });
  const big = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 53n + 1n, 2 ** 53 - 1];
  assert.deepStrictEqual(await client.call("echo", big), big);
  assert.deepStrictEqual(await client.call("echo", new Map<unknown, unknown>([[1, "a"], [true, 2]])), { 1: "a", true: 2 });
});
