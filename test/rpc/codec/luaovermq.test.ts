import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as lua from '../../../src/rpc/luaovermq/codec.js';
import { RpcProtocolError } from '../../../src/rpc/codec/errors.js';
import { msgpackValue } from './arbitraries.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

function assertProtocolError(fn: () => unknown, reason: string, message?: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RpcProtocolError, `expected RpcProtocolError, got ${String(err)}`);
    assert.equal(err.code, 'EPROTO');
    assert.equal(err.reason, reason);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe('LuaOverMQ request frames', () => {
  it('encodes ["add", 1, 2] as the literal msgpack bytes', () => {
    assert.deepEqual(lua.encodeRequest('add', [1, 2]), hex('93 a3 616464 01 02'));
  });

  it('encodes a call without arguments as a one-element array', () => {
    assert.deepEqual(lua.encodeRequest('ping'), hex('91 a4 70696e67'));
  });

  it('decodes the literal request of the reference Python connector', () => {
    // msgpack.packb(["your_function", "arg1", 2, True])
    const frame = hex('94 ad 796f75725f66756e6374696f6e a4 61726731 02 c3');
    assert.deepEqual(lua.decodeRequest(frame), { method: 'your_function', args: ['arg1', 2, true] });
  });

  it('writes 64-bit integers in the minimal msgpack formats', () => {
    assert.deepEqual(
      lua.encodeRequest('f', [2 ** 40, -(2 ** 40), 2n ** 60n, -(2n ** 62n), 7n, 2n ** 64n - 1n]),
      hex(
        '97 a1 66' +
          'cf 0000010000000000' +
          'd3 ffffff0000000000' +
          'cf 1000000000000000' +
          'd3 c000000000000000' +
          '07' +
          'cf ffffffffffffffff',
      ),
    );
  });

  it('decodes 64-bit integers as numbers when safe and bigints otherwise', () => {
    const frame = hex('94 a1 66 cf 0000010000000000 cf 1000000000000000 d3 8000000000000000');
    assert.deepEqual(lua.decodeRequest(frame).args, [2 ** 40, 2n ** 60n, -(2n ** 63n)]);
  });

  it('keeps integer map keys of Lua tables', () => {
    // {1: "a", 2: "b"} as a Lua array table goes out: 82 01 a1 61 02 a1 62
    const frame = hex('92 a1 66 82 01 a161 02 a162');
    const table = lua.decodeRequest(frame).args[0];
    assert.deepEqual(table, new Map([[1, 'a'], [2, 'b']]));
    // ...and goes back with the same keys, octet for octet.
    assert.deepEqual(lua.encodeValue(table), hex('82 01 a161 02 a162'));
    // int64, boolean, nil and binary keys too, in wire order.
    const frame2 = hex('92 a1 66 84 cf 1000000000000000 01 c3 02 c0 03 c4 01 ff 04');
    const keys = lua.decodeRequest(frame2).args[0];
    assert.deepEqual(keys, new Map<unknown, unknown>([[2n ** 60n, 1], [true, 2], [null, 3], [Buffer.from([0xff]), 4]]));
    assert.deepEqual(lua.encodeValue(keys), hex('84 cf 1000000000000000 01 c3 02 c0 03 c4 01 ff 04'));
  });

  it('carries binary, floats and nil', () => {
    const frame = lua.encodeRequest('f', [Buffer.from([1, 2]), 1.5, null, undefined]);
    assert.deepEqual(frame, hex('95 a1 66 c4 02 0102 cb 3ff8000000000000 c0 c0'));
    const { args } = lua.decodeRequest(frame);
    assert.deepEqual(args, [Buffer.from([1, 2]), 1.5, null, null]);
    assert.ok(Buffer.isBuffer(args[0]));
  });

  it('refuses unencodable values with a typed error', () => {
    assertProtocolError(() => lua.encodeRequest('f', [2n ** 64n]), 'UNENCODABLE', /64 bits/);
    assertProtocolError(() => lua.encodeRequest('f', [() => 1]), 'UNENCODABLE');
    assertProtocolError(() => lua.encodeRequest('f', [1n, Symbol('x')]), 'UNENCODABLE');
    assert.throws(() => lua.encodeRequest(42 as unknown as string), TypeError);
  });

  describe('every malformed request class gets its typed error and exact reply text', () => {
    const invalid = 'input should be array with first argument as string';
    it('non-array', () => {
      assertProtocolError(() => lua.decodeRequest(hex('a3 616464')), 'BAD_SHAPE', invalid);
      assertProtocolError(() => lua.decodeRequest(hex('81 a1 61 01')), 'BAD_SHAPE', invalid);
      assertProtocolError(() => lua.decodeRequest(hex('c0')), 'BAD_SHAPE', invalid);
    });
    it('empty array', () => {
      assertProtocolError(() => lua.decodeRequest(hex('90')), 'BAD_SHAPE', invalid);
    });
    it('non-string method', () => {
      assertProtocolError(() => lua.decodeRequest(hex('92 01 02')), 'BAD_SHAPE', invalid);
      assertProtocolError(() => lua.decodeRequest(hex('91 c4 03 616464')), 'BAD_SHAPE', invalid);
      assertProtocolError(() => lua.decodeRequest(hex('91 c0')), 'BAD_SHAPE', invalid);
    });
    it('malformed msgpack', () => {
      assertProtocolError(() => lua.decodeRequest(hex('')), 'MALFORMED', /^malformed msgpack request: /);
      assertProtocolError(() => lua.decodeRequest(hex('93 a3 6164')), 'MALFORMED', /^malformed msgpack request: /);
      assertProtocolError(() => lua.decodeRequest(hex('c1')), 'MALFORMED', /^malformed msgpack request: /);
    });
    it('trailing garbage', () => {
      assertProtocolError(() => lua.decodeRequest(hex('93 a3 616464 01 02 ff')), 'MALFORMED', /^malformed msgpack request: 1 octet\(s\) after the value$/);
    });
  });

  it('builds the unknown-method text', () => {
    assert.equal(lua.functionNotFoundMessage('nope'), "function 'nope' not found");
  });
});

describe('LuaOverMQ reply frames', () => {
  it('encodes OK replies as two literal frames', () => {
    assert.deepEqual(lua.encodeReply(3), [Buffer.from('OK'), hex('03')]);
    assert.deepEqual(lua.encodeReply('hi'), [hex('4f4b'), hex('a2 6869')]);
    assert.deepEqual(lua.encodeReply(undefined), [hex('4f4b'), hex('c0')]);
    assert.deepEqual(lua.encodeReply([1, 2]), [hex('4f4b'), hex('92 01 02')]);
  });

  it('encodes ERROR replies as two literal frames', () => {
    assert.deepEqual(lua.encodeErrorReply("function 'x' not found"), [
      hex('4552524f52'),
      hex('b6 66756e6374696f6e 20 277827 20 6e6f74 20 666f756e64'),
    ]);
    assert.deepEqual(lua.encodeErrorReply('input should be array with first argument as string')[1].subarray(0, 2), hex('d9 33'));
  });

  it('decodes OK and ERROR replies', () => {
    assert.deepEqual(lua.decodeReply([hex('4f4b'), hex('92 01 a1 61')]), { ok: true, value: [1, 'a'] });
    assert.deepEqual(lua.decodeReply([hex('4f4b'), hex('c0')]), { ok: true, value: null });
    assert.deepEqual(lua.decodeReply([hex('4552524f52'), hex('a4 626f6f6d')]), { ok: false, message: 'boom' });
    // a non-string error payload (a Lua table) is rendered as text
    assert.deepEqual(lua.decodeReply([hex('4552524f52'), hex('81 a1 61 01')]), { ok: false, message: '{"a":1}' });
    assert.deepEqual(lua.decodeReply([hex('4552524f52'), hex('cf 1000000000000000')]), {
      ok: false,
      message: '"1152921504606846976"',
    });
  });

  it('rejects replies with the wrong number of frames or status', () => {
    assertProtocolError(() => lua.decodeReply([hex('4f4b')]), 'BAD_FRAMES');
    assertProtocolError(() => lua.decodeReply([hex('4f4b'), hex('01'), hex('01')]), 'BAD_FRAMES');
    assertProtocolError(() => lua.decodeReply([Buffer.from('ok'), hex('01')]), 'BAD_STATUS');
    assertProtocolError(() => lua.decodeReply([Buffer.from('OKAY'), hex('01')]), 'BAD_STATUS');
    assertProtocolError(() => lua.decodeReply([Buffer.from('OK'), hex('92 01')]), 'MALFORMED', /^malformed msgpack: /);
  });
});

describe('LuaOverMQ publish frames', () => {
  it('encodes and decodes [topic, msgpack(value)]', () => {
    const frames = lua.encodePublish('topic', 'Hello World!');
    assert.deepEqual(frames, [Buffer.from('topic'), hex('ac 48656c6c6f20576f726c6421')]);
    assert.deepEqual(lua.decodePublish(frames), { topic: Buffer.from('topic'), value: 'Hello World!' });
    assert.deepEqual(lua.encodePublish(new Uint8Array([1]), 1)[0], hex('01'));
    assertProtocolError(() => lua.decodePublish([hex('01')]), 'BAD_FRAMES');
  });
});

describe('remote error names', () => {
  it('formats non-plain Error names as a prefix', () => {
    assert.equal(lua.formatRemoteError(new TypeError('bad')), 'TypeError: bad');
    const custom = new Error('too late');
    custom.name = 'TimeoutError';
    assert.equal(lua.formatRemoteError(custom), 'TimeoutError: too late');
  });

  it('sends plain errors and other thrown values as their message', () => {
    assert.equal(lua.formatRemoteError(new Error('plain')), 'plain');
    assert.equal(lua.formatRemoteError('text'), 'text');
    assert.equal(lua.formatRemoteError(42), '42');
    const odd = new Error('odd');
    odd.name = 'not an identifier';
    assert.equal(lua.formatRemoteError(odd), 'odd');
  });

  it('escapes plain messages that look prefixed', () => {
    assert.equal(lua.formatRemoteError(new Error('Invalid: x')), 'Error: Invalid: x');
    assert.deepEqual(lua.parseRemoteError('Error: Invalid: x'), { name: 'Error', message: 'Invalid: x' });
  });

  it('parses the prefix back', () => {
    assert.deepEqual(lua.parseRemoteError('RangeError: out of range'), { name: 'RangeError', message: 'out of range' });
    assert.deepEqual(lua.parseRemoteError('mod.KeyError: k'), { name: 'mod.KeyError', message: 'k' });
    assert.deepEqual(lua.parseRemoteError("function 'x' not found"), { name: 'Error', message: "function 'x' not found" });
    assert.deepEqual(lua.parseRemoteError('malformed msgpack request: Extra 1 byte'), {
      name: 'Error',
      message: 'malformed msgpack request: Extra 1 byte',
    });
  });

  it('round-trips any error name and message', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant('Error'), fc.stringMatching(/^[A-Za-z_$][\w$]{0,10}$/)),
        fc.string({ unit: 'binary' }),
        (name, message) => {
          const err = new Error(message);
          err.name = name;
          assert.deepEqual(lua.parseRemoteError(lua.formatRemoteError(err)), { name, message });
        },
      ),
    );
  });
});

describe('LuaOverMQ properties', () => {
  it('round-trips random arguments through encodeRequest/decodeRequest', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(msgpackValue, { maxLength: 6 }), (method, args) => {
        assert.deepStrictEqual(lua.decodeRequest(lua.encodeRequest(method, args)), { method, args });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips random values through encodeReply/decodeReply and encodeErrorReply', () => {
    fc.assert(
      fc.property(msgpackValue, fc.string({ unit: 'binary' }), (value, message) => {
        assert.deepStrictEqual(lua.decodeReply(lua.encodeReply(value)), { ok: true, value });
        assert.deepStrictEqual(lua.decodeReply(lua.encodeErrorReply(message)), { ok: false, message });
      }),
      { numRuns: 300 },
    );
  });
});
