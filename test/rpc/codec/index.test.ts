import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as codec from '../../../src/rpc/codec/index.js';

describe('codec index and shared errors', () => {
  it('exposes each protocol as a namespace plus the shared pieces', () => {
    assert.deepEqual(codec.luaovermq.decodeRequest(codec.luaovermq.encodeRequest('add', [1, 2])), { method: 'add', args: [1, 2] });
    assert.equal(typeof codec.manley.encodeRequest, 'function');
    assert.equal(typeof codec.pyzmqrpc.encodeCommand, 'function');
    assert.equal(codec.pyzmqrpc.Command, codec.Command);
    assert.equal(codec.pyzmqrpc.CommandRegistry, codec.CommandRegistry);
    assert.equal(codec.pyzmqrpc.defineCommand, codec.defineCommand);
    assert.equal(codec.pythonJsonDumps({ a: 1 }), '{"a": 1}');
  });

  it('RpcProtocolError carries code, reason, name and cause', () => {
    const cause = new Error('inner');
    const err = new codec.RpcProtocolError('bad', 'MALFORMED', { cause });
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'RpcProtocolError');
    assert.equal(err.code, 'EPROTO');
    assert.equal(err.reason, 'MALFORMED');
    assert.equal(err.cause, cause);
  });

  it('RemoteCallError carries the remote name, message, traceback and status', () => {
    const plain = new codec.RemoteCallError('boom');
    assert.equal(plain.message, 'boom');
    assert.equal(plain.remoteName, 'Error');
    assert.equal(plain.remoteTraceback, '');
    assert.equal(plain.statusCode, undefined);
    const typed = new codec.RemoteCallError('k', { remoteName: 'KeyError', remoteTraceback: 'tb', statusCode: 463 });
    assert.equal(typed.message, 'KeyError: k');
    assert.equal(typed.code, 'EREMOTE');
    assert.equal(typed.statusCode, 463);
  });

  it('errorMessageOf / errorNameOf never throw', () => {
    assert.equal(codec.errorMessageOf(new Error('m')), 'm');
    assert.equal(codec.errorMessageOf('s'), 's');
    assert.equal(codec.errorMessageOf(undefined), 'undefined');
    assert.equal(codec.errorMessageOf(Object.create(null)), '[object Object]');
    assert.equal(codec.errorNameOf(new TypeError('x')), 'TypeError');
    const unnamed = new Error('x');
    unnamed.name = '';
    assert.equal(codec.errorNameOf(unnamed), 'Error');
    assert.equal(codec.errorNameOf({ name: 'Fake' }), 'Error');
  });

  it('isRecord and asBuffer', () => {
    assert.equal(codec.isRecord({}), true);
    assert.equal(codec.isRecord([]), false);
    assert.equal(codec.isRecord(null), false);
    assert.equal(codec.isRecord(new Uint8Array(1)), false);
    const u = new Uint8Array([1, 2, 3]).subarray(1);
    const b = codec.asBuffer(u);
    assert.ok(Buffer.isBuffer(b));
    assert.deepEqual([...b], [2, 3]);
    b[0] = 9;
    assert.equal(u[0], 9, 'no copy');
    assert.equal(codec.asBuffer(b), b);
  });
});
