/**
 * The golden transcripts of the specification, octet for octet, with
 * purezmq in the client role and in the server role.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import {
  LuaRpcError,
  LuaRpcNoSuchProcedureError,
  LuaRpcNotCallableError,
  multi,
  newClient,
  newMultiServer,
  newServer,
  type LuaEvaluator,
  type LuaValue,
} from "../../src/lua-rpc/index.js";
import { hex, rawConnect, rawServer, spec } from "./helpers.js";

/** The transcripts of the spec, C->S then S->C. */
const T = {
  echo: [
    "00 00 0000001e 04 0004 6563686f 07 00000001 04 0001 61 01 01 05 0001 04 0001 78 07 00000001",
    "01 00 00000018 00 07 00000001 04 0001 61 01 01 05 0001 04 0001 78 07 00000001",
  ],
  max: [
    "00 01 0000001e 04 0008 6d6174682e6d6178 07 00000001 03 4004000000000000 07 fffffffd",
    "01 01 0000000a 00 03 4004000000000000",
  ],
  fail: ["00 03 0000000e 04 0004 6661696c 04 0004 626f6f6d", '01 03 00000016 01 04 0012 "server.lua:6: boom"'],
  nosuch: ["00 04 0000000e 04 000b 6e6f737563682e66756e63", "01 04 00000001 02"],
  notafunc: ["00 05 0000000b 04 0008 6e6f7461 66756e63", "01 05 00000001 03"],
  eval: ['00 06 0000001e 04 0009 "__rpceval" 04 000f "config.nested.v"', "01 06 0000000a 00 03 3ff8000000000000"],
  build: [
    '00 09 00000032 04 000e "__rpcbuildexec" 05 0002 07 00000001 04 0006 "return" 07 00000002 04 0008 " ... + 1"',
    "01 09 00000006 00 07 00000002",
  ],
  run: ['00 0a 00000019 04 000c "__rpcrunexec" 07 00000002 07 00000001', "01 0a 00000006 00 07 00000002"],
  hello: ['00 00 00000016 04 0005 "hello" 04 000b "from server"', '01 00 0000001b 00 04 0017 "client got: from server"'],
} as const;

/** A filler call the raw server answers with an empty success. */
function okEmpty(seq: number): Buffer {
  return Buffer.from([1, seq, 0, 0, 0, 1, 0]);
}

/** The exposed object of the server role. */
function serverApi(): object {
  return {
    echo: (...args: LuaValue[]) => multi(...args),
    math: { max: (...a: number[]) => Math.max(...a) },
    fail: (msg: string) => {
      throw new Error(`server.lua:6: ${msg}`);
    },
    config: { nested: { v: 1.5 } },
    notafunc: 42,
  };
}

const evaluator: LuaEvaluator = (script) => {
  if (script === "return ... + 1") return (x) => (x as number) + 1;
  if (script === "return 0") return () => 0;
  throw new Error(`unsupported script ${String(script)}`);
};

test("client role: every golden call produces the C->S octets and decodes the S->C octets", async () => {
  const raw = await rawServer();
  const client = await newClient("127.0.0.1", raw.port, { expose: { hello: (s: string) => `client got: ${s}` } });
  const conn = await raw.next();
  const seen: string[] = [];

  // The raw server: checks each frame against the transcript and answers.
  const script: Array<readonly [string, string] | "filler"> = [
    T.echo, T.max, "filler", T.fail, T.nosuch, T.notafunc, T.eval, "filler", "filler", T.build, T.run,
  ];
  const serverSide = (async () => {
    for (const step of script) {
      const frame = await conn.readFrame();
      assert.ok(frame, "client closed early");
      if (step === "filler") {
        assert.equal(frame[0], 0);
        await conn.write(okEmpty(frame[1]!));
        continue;
      }
      assert.equal(hex(frame), hex(spec(step[0])));
      seen.push(hex(frame));
      await conn.write(spec(step[1]));
    }
  })();

  assert.deepEqual(await client.call("echo", 1, "a", true, { x: 1 }), [1, "a", true, { x: 1 }]);
  assert.deepEqual(await client.call("math.max", 1, 2.5, -3), [2.5]);
  assert.deepEqual(await client.call("filler"), []);
  await assert.rejects(client.call("fail", "boom"), (e: unknown) => {
    assert.ok(e instanceof LuaRpcError);
    assert.equal(e.code, "ERR_LUA_RPC_REMOTE");
    assert.equal(e.message, "server.lua:6: boom");
    assert.equal(e.value, "server.lua:6: boom");
    return true;
  });
  await assert.rejects(client.call("nosuch.func"), (e: unknown) => e instanceof LuaRpcNoSuchProcedureError && e.code === "ERR_LUA_RPC_NO_SUCH_PROCEDURE");
  await assert.rejects(client.call("notafunc"), (e: unknown) => e instanceof LuaRpcNotCallableError && e.code === "ERR_LUA_RPC_NOT_CALLABLE");
  assert.equal(await client.eval("config.nested.v"), 1.5);
  await client.call("filler");
  await client.call("filler");
  const f = await client.newexec(["return", " ... + 1"]);
  assert.equal(f.execId, 2);
  assert.deepEqual(await f(1), [2]);
  await serverSide;
  assert.equal(seen.length, 8);

  // The server side calls the client: hello("from server").
  await conn.write(spec(T.hello[0]));
  const reply = await conn.readFrame();
  assert.ok(reply);
  assert.equal(hex(reply), hex(spec(T.hello[1])));

  await client.close();
  await conn.closed();
  raw.server.close();
});

/** Writes every C->S frame (cut in pieces) and checks the exact S->C octets. */
async function playServerRole(port: number): Promise<void> {
  const conn = await rawConnect(port);
  const exchange = async (c2s: Buffer, s2c: Buffer, cuts: number[] = []) => {
    await conn.write(c2s, cuts);
    const frame = await conn.readFrame();
    assert.ok(frame, "server closed the connection");
    assert.equal(hex(frame), hex(s2c));
  };
  await exchange(spec(T.echo[0]), spec(T.echo[1]), [6]);
  await exchange(spec(T.max[0]), spec(T.max[1]), [1, 2, 3, 4, 5, 6, 7, 20]);
  await exchange(spec(T.fail[0]), spec(T.fail[1]), [3, 10]);
  await exchange(spec(T.nosuch[0]), spec(T.nosuch[1]));
  await exchange(spec(T.notafunc[0]), spec(T.notafunc[1]), Array.from({ length: 16 }, (_, i) => i + 1));
  await exchange(spec(T.eval[0]), spec(T.eval[1]), [6, 18]);
  // A first exec so that the transcript's exec gets id 2.
  await exchange(spec('00 08 0000001c 04 000e "__rpcbuildexec" 04 0008 "return 0"'), spec("01 08 00000006 00 07 00000001"));
  await exchange(spec(T.build[0]), spec(T.build[1]), [5, 30]);
  await exchange(spec(T.run[0]), spec(T.run[1]));
  // Two frames in one write are both answered.
  await conn.write(Buffer.concat([spec(T.nosuch[0]), spec(T.notafunc[0])]));
  assert.equal(hex((await conn.readFrame())!), hex(spec(T.nosuch[1])));
  assert.equal(hex((await conn.readFrame())!), hex(spec(T.notafunc[1])));
  conn.destroy();
}

test("server role (newMultiServer): the C->S octets, in any split, get exactly the S->C octets", async () => {
  const closed: Array<Error | undefined> = [];
  const server = await newMultiServer("127.0.0.1", 0, (peer) => {
    peer.on("close", (reason: Error | undefined) => closed.push(reason));
  }, { expose: serverApi(), evaluator });
  assert.ok(server.port > 0);
  await playServerRole(server.port);
  await playServerRole(server.port); // exec ids are per connection
  await server.close();
  assert.equal(closed.length, 2);
});

test("server role (newServer): hello transcript, the server calls the client", async () => {
  let port = 0;
  let listened!: () => void;
  const listening = new Promise<void>((resolve) => (listened = resolve));
  const peerPromise = newServer("127.0.0.1", 0, {
    expose: serverApi(),
    evaluator,
    onListening: (a: AddressInfo) => {
      port = a.port;
      listened();
    },
  });
  await listening;
  const conn = await rawConnect(port);
  const peer = await peerPromise;

  const result = peer.call("hello", "from server");
  const frame = await conn.readFrame();
  assert.ok(frame);
  assert.equal(hex(frame), hex(spec(T.hello[0])));
  await conn.write(spec(T.hello[1]), [3]);
  assert.deepEqual(await result, ["client got: from server"]);

  // The same connection still answers calls after the server's own call.
  const exchangeStillWorks = async () => {
    await conn.write(spec(T.echo[0]));
    assert.equal(hex((await conn.readFrame())!), hex(spec(T.echo[1])));
  };
  await exchangeStillWorks();
  const closing = once(peer, "close");
  conn.destroy();
  assert.deepEqual(await closing, [undefined]);
});
