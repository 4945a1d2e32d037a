/**
 * Fuzzing of the RPC wire codecs: LuaOverMQ msgpack requests, replies and
 * publishes, Manley JSON multicall requests and responses, pyzmqrpc3
 * commands (base64 of zlib of Python JSON) and responses, by generation
 * and by mutation of valid encodings at every layer (the msgpack or JSON
 * octets, the zlib stream, the base64 text).
 *
 * Checked: valid encodings decode back to what was encoded; mutated or
 * arbitrary input decodes or fails with RpcProtocolError, nothing else.
 * Run through `npm run fuzz -- --only rpc`.
 */
import { isDeepStrictEqual } from "node:util";
import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { bytesArb, mutate, mutationsArb } from "../lib/bytes.js";
import type { FuzzTarget } from "../lib/target.js";
import { jsonValue, key, msgpackValue } from "../../test/rpc/codec/arbitraries.js";
import * as lua from "../../src/rpc/luaovermq/codec.js";
import * as manley from "../../src/rpc/manley/codec.js";
import * as pz from "../../src/rpc/pyzmqrpc3/codec.js";
import { RpcProtocolError } from "../../src/rpc/codec/errors.js";
import { parsePythonJson, pythonJsonDumps } from "../../src/rpc/codec/pyjson.js";

/** Runs a decoder: a value, or an RpcProtocolError; anything else is a bug. */
function decodes(what: string, fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RpcProtocolError) return e;
    throw new Error(`${what} threw something other than an RpcProtocolError: ${(e as Error)?.stack ?? String(e)}`);
  }
}

function mustEqual(what: string, got: unknown, want: unknown): void {
  if (!isDeepStrictEqual(got, want)) throw new Error(`${what} did not round-trip`);
}

const method = fc.string({ maxLength: 20 });
const argsArb = fc.array(msgpackValue, { maxLength: 4 });
const status = fc.oneof(fc.constantFrom("OK", "ERROR"), fc.string({ maxLength: 6 })).map((s) => Buffer.from(s));

/** A pyzmqrpc3 command frame whose inner layers are mutated: JSON text, zlib stream, or base64 text. */
const layeredCommand = fc
  .tuple(fc.string({ minLength: 1, maxLength: 10 }), jsonValue, fc.nat(2), mutationsArb(3))
  .map(([name, state, layer, muts]) => {
    let json: Buffer = Buffer.from(pz.commandJson(name, state));
    if (layer === 0) json = mutate(json, muts);
    let zipped: Buffer = deflateSync(json);
    if (layer === 1) zipped = mutate(zipped, muts);
    const text = Buffer.from(zipped.toString("base64"));
    return layer === 2 ? mutate(text, muts) : text;
  });

const manleyCalls = fc.array(
  fc.record({ name: fc.string({ minLength: 1, maxLength: 12 }), args: fc.array(jsonValue, { maxLength: 3 }), kwargs: fc.dictionary(key, jsonValue, { maxKeys: 3, noNullPrototype: true }) }, { noNullPrototype: true }),
  { minLength: 1, maxLength: 4 },
);
const manleyEntries = fc.array(
  fc.oneof(
    jsonValue.map((v) => manley.resultEntry(v)),
    fc.record({ success: fc.constant(false as const), error_type: fc.string({ maxLength: 10 }), message: fc.string({ maxLength: 20 }), traceback: fc.string({ maxLength: 20 }) }, { noNullPrototype: true }),
  ),
  { minLength: 1, maxLength: 4 },
);
const style = fc.constantFrom<manley.JsonStyle>("compact", "python");

/** The RPC codecs target. */
export const rpcTarget: FuzzTarget = {
  name: "rpc",
  properties: [
    {
      title: "LuaOverMQ: valid requests, replies and publishes round-trip",
      property: fc.property(method, argsArb, msgpackValue, fc.string({ maxLength: 30 }), (m, args, value, err) => {
        mustEqual("request", lua.decodeRequest(lua.encodeRequest(m, args)), { method: m, args });
        const ok = lua.decodeReply(lua.encodeReply(value));
        if (ok.ok !== true) throw new Error("OK reply decoded as an error");
        mustEqual("reply", ok.value, value);
        const bad = lua.decodeReply(lua.encodeErrorReply(err));
        if (bad.ok !== false) throw new Error("ERROR reply decoded as OK");
        mustEqual("publish", lua.decodePublish(lua.encodePublish("t", value)).value, value);
      }),
    },
    {
      title: "LuaOverMQ: mutated and arbitrary frames decode or fail with RpcProtocolError",
      property: fc.property(method, argsArb, mutationsArb(), status, bytesArb(200), (m, args, muts, st, raw) => {
        for (const frame of [mutate(lua.encodeRequest(m, args), muts), raw]) {
          decodes("decodeRequest", () => lua.decodeRequest(frame));
          decodes("decodeValue", () => lua.decodeValue(frame));
          decodes("decodeReply", () => lua.decodeReply([st, frame]));
          decodes("decodeReply (1 frame)", () => lua.decodeReply([frame]));
          decodes("decodePublish", () => lua.decodePublish([st, frame]));
        }
      }),
    },
    {
      title: "Manley: valid requests and responses round-trip in both JSON styles",
      property: fc.property(manleyCalls, manleyEntries, style, (calls, entries, s) => {
        // Compact JSON is JSON.stringify's: -0 travels as 0, as it does for every JSON peer.
        const asSent = <T>(x: T): T => (s === "compact" ? JSON.parse(JSON.stringify(x)) : x);
        mustEqual("request", manley.decodeRequest(manley.encodeRequest(calls, { style: s })), asSent(calls));
        mustEqual("response", manley.decodeResponse(manley.encodeResponse(entries, { style: s }), entries.length), asSent(entries));
      }),
    },
    {
      title: "Manley: mutated and arbitrary frames decode or fail with RpcProtocolError",
      property: fc.property(manleyCalls, manleyEntries, style, mutationsArb(), bytesArb(200), fc.nat(5), (calls, entries, s, muts, raw, n) => {
        for (const frame of [mutate(manley.encodeRequest(calls, { style: s }), muts), mutate(manley.encodeResponse(entries, { style: s }), muts), raw]) {
          decodes("decodeRequest", () => manley.decodeRequest(frame));
          decodes("decodeResponse", () => manley.decodeResponse(frame));
          decodes("decodeResponse (expected length)", () => manley.decodeResponse(frame, n));
        }
      }),
    },
    {
      title: "pyzmqrpc3: valid commands and responses round-trip",
      property: fc.property(fc.string({ minLength: 1, maxLength: 10 }), jsonValue, fc.integer({ min: 100, max: 599 }), fc.string({ maxLength: 20 }), jsonValue, (name, state, code, text, result) => {
        const cmd = pz.decodeCommand(pz.encodeCommand(name, state));
        mustEqual("command", [cmd.name, cmd.state], [name, state]);
        const r = pz.decodeResponse(pz.encodeResponse(code, text, result));
        mustEqual("response", [r.statusCode, r.statusMessage], [code, text]);
        if (result !== null) mustEqual("response message", r.responseMessage, result);
      }),
    },
    {
      title: "pyzmqrpc3: commands mutated at any layer, responses mutated, arbitrary frames: only RpcProtocolError",
      property: fc.property(layeredCommand, fc.integer({ min: 100, max: 599 }), jsonValue, mutationsArb(), bytesArb(200), (frame, code, result, muts, raw) => {
        decodes("decodeCommand", () => pz.decodeCommand(frame));
        decodes("decodeCommand (small limit)", () => pz.decodeCommand(frame, { maxBytes: 64 }));
        for (const f of [mutate(pz.encodeResponse(code, "x", result), muts), raw]) decodes("decodeResponse", () => pz.decodeResponse(f));
        decodes("decodeCommand (raw)", () => pz.decodeCommand(raw));
      }),
    },
    {
      title: "Python JSON: dumps parses back; mutated text parses or throws a SyntaxError",
      property: fc.property(jsonValue, mutationsArb(), (value, muts) => {
        const text = pythonJsonDumps(value);
        mustEqual("python json", parsePythonJson(text), value);
        try {
          parsePythonJson(mutate(Buffer.from(text), muts).toString("utf8"));
        } catch (e) {
          if (!(e instanceof SyntaxError)) throw new Error(`parsePythonJson threw ${(e as Error)?.stack ?? String(e)}`);
        }
      }),
    },
  ],
};
