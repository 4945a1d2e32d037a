// Arbitrary bytes given to every decoder yield a value or an RpcProtocolError, never another exception.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import * as lua from '../../../src/rpc/luaovermq/codec.js';
import * as manley from '../../../src/rpc/manley/codec.js';
import * as pz from '../../../src/rpc/pyzmqrpc3/codec.js';
import { CommandRegistry, defineCommand } from '../../../src/rpc/pyzmqrpc3/codec.js';
import { RpcProtocolError } from '../../../src/rpc/codec/errors.js';

function valueOrProtocolError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RpcProtocolError, `unexpected ${String(err)}`);
    assert.equal(err.code, 'EPROTO');
  }
}

const bytes = fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u));
// Mostly-valid msgpack: a valid encoding with a few bytes flipped, cut or appended.
const mutatedMsgpack = fc
  .tuple(fc.array(fc.oneof(fc.integer(), fc.string(), fc.double(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))), fc.nat(), fc.integer({ min: 0, max: 255 }))
  .map(([args, pos, byte]) => {
    const frame = Buffer.from(lua.encodeRequest('m', args));
    frame[pos % frame.length] = byte;
    return pos % 3 === 0 ? frame.subarray(0, pos % frame.length) : frame;
  });
const jsonish = fc.oneof(
  fc.json().map((s) => Buffer.from(s)),
  fc.stringMatching(/^[\[\]{}",:0-9a-zNIf\- ]{0,30}$/).map((s) => Buffer.from(s)),
);
const Registered = defineCommand('X', { a: 0 });
const registry = new CommandRegistry().register(Registered);

describe('decoders on arbitrary input', () => {
  it('LuaOverMQ', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, mutatedMsgpack), bytes, (a, b) => {
        valueOrProtocolError(() => lua.decodeRequest(a));
        valueOrProtocolError(() => lua.decodeValue(a));
        valueOrProtocolError(() => lua.decodeReply([Buffer.from('OK'), a]));
        valueOrProtocolError(() => lua.decodeReply([Buffer.from('ERROR'), a]));
        valueOrProtocolError(() => lua.decodeReply([b, a]));
        valueOrProtocolError(() => lua.decodePublish([b, a]));
      }),
      { numRuns: 1000 },
    );
  });

  it('Manley', () => {
    fc.assert(
      fc.property(fc.oneof(bytes, jsonish), (a) => {
        valueOrProtocolError(() => manley.decodeRequest(a));
        valueOrProtocolError(() => manley.decodeResponse(a));
        valueOrProtocolError(() => manley.decodeResponse(a, 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('pyzmqrpc3', () => {
    const zipped = fc.oneof(
      fc.oneof(bytes, jsonish).map((a) => Buffer.from(deflateSync(a).toString('base64'))),
      fc.tuple(fc.constantFrom('X', 'Y', ''), fc.jsonValue()).map(([name, state]) =>
        Buffer.from(deflateSync(JSON.stringify({ _icmd_: [name, state] })).toString('base64')),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(bytes, jsonish, zipped), (a) => {
        valueOrProtocolError(() => pz.decodeCommand(a));
        valueOrProtocolError(() => registry.decode(a));
        valueOrProtocolError(() => pz.decodeResponse(a));
      }),
      { numRuns: 1000 },
    );
  });
});
