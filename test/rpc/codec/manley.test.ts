import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as manley from '../../../src/rpc/manley/codec.js';
import { RemoteCallError, RpcProtocolError } from '../../../src/rpc/codec/errors.js';
import { jsonValue } from './arbitraries.js';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

function assertProtocolError(fn: () => unknown, reason: string, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RpcProtocolError, `expected RpcProtocolError, got ${String(err)}`);
    assert.equal(err.code, 'EPROTO');
    assert.equal(err.reason, reason);
    if (message) assert.match(err.message, message);
    return true;
  });
}

// A MultiCall of three calls where the second fails, as the reference server answers it.
const MULTICALL_REQUEST_COMPACT = '[["my.namespace.mult",[2,2],{}],["nope",[],{}],["my.namespace.mult",[4,4],{"scale":2}]]';
const MULTICALL_REQUEST_PYTHON =
  '[["my.namespace.mult", [2, 2], {}], ["nope", [], {}], ["my.namespace.mult", [4, 4], {"scale": 2}]]';
const MULTICALL_RESPONSE_COMPACT =
  '[{"success":true,"result":4},{"success":false,"error_type":"KeyError","message":"Function \'nope\' not found","traceback":""},{"success":true,"result":32}]';
const MULTICALL_RESPONSE_PYTHON =
  '[{"success": true, "result": 4}, {"success": false, "error_type": "KeyError", "message": "Function \'nope\' not found", "traceback": ""}, {"success": true, "result": 32}]';

const CALLS = [
  { name: 'my.namespace.mult', args: [2, 2] },
  { name: 'nope' },
  { name: 'my.namespace.mult', args: [4, 4], kwargs: { scale: 2 } },
];
const ENTRIES: manley.ManleyEntry[] = [manley.resultEntry(4), manley.notFoundEntry('nope'), manley.resultEntry(32)];

describe('Manley zerorpc requests', () => {
  it('encodes a MultiCall in the compact (ujson) layout', () => {
    assert.equal(manley.encodeRequest(CALLS).toString('utf8'), MULTICALL_REQUEST_COMPACT);
  });

  it('encodes a MultiCall in the Python json.dumps layout', () => {
    assert.equal(manley.encodeRequest(CALLS, { style: 'python' }).toString('utf8'), MULTICALL_REQUEST_PYTHON);
  });

  it('decodes both layouts to the same calls', () => {
    const expected = [
      { name: 'my.namespace.mult', args: [2, 2], kwargs: {} },
      { name: 'nope', args: [], kwargs: {} },
      { name: 'my.namespace.mult', args: [4, 4], kwargs: { scale: 2 } },
    ];
    assert.deepEqual(manley.decodeRequest(text(MULTICALL_REQUEST_COMPACT)), expected);
    assert.deepEqual(manley.decodeRequest(text(MULTICALL_REQUEST_PYTHON)), expected);
  });

  it('accepts a call without kwargs or with null kwargs', () => {
    assert.deepEqual(manley.decodeRequest(text('[["f", [1]], ["g", [], null]]')), [
      { name: 'f', args: [1], kwargs: {} },
      { name: 'g', args: [], kwargs: {} },
    ]);
  });

  it('writes bigints as JSON integers', () => {
    assert.equal(manley.encodeRequest([{ name: 'f', args: [2n ** 70n, 'é'] }]).toString(), '[["f",[1180591620717411303424,"é"],{}]]');
  });

  it('rejects malformed requests with typed errors', () => {
    assertProtocolError(() => manley.decodeRequest(text('[["f", [1], {}]')), 'MALFORMED', /^malformed JSON request/);
    assertProtocolError(() => manley.decodeRequest(Buffer.from([0x5b, 0xff, 0x5d])), 'MALFORMED', /UTF-8/);
    assertProtocolError(() => manley.decodeRequest(text('{"f": 1}')), 'BAD_SHAPE', /list of calls/);
    assertProtocolError(() => manley.decodeRequest(text('["f"]')), 'BAD_SHAPE', /call 0/);
    assertProtocolError(() => manley.decodeRequest(text('[["f"]]')), 'BAD_SHAPE', /call 0/);
    assertProtocolError(() => manley.decodeRequest(text('[["f", [], {}, 1]]')), 'BAD_SHAPE', /call 0/);
    assertProtocolError(() => manley.decodeRequest(text('[[1, [], {}]]')), 'BAD_SHAPE', /name/);
    assertProtocolError(() => manley.decodeRequest(text('[["f", {}, {}]]')), 'BAD_SHAPE', /args/);
    assertProtocolError(() => manley.decodeRequest(text('[["f", [], []]]')), 'BAD_SHAPE', /kwargs/);
    assertProtocolError(() => manley.decodeRequest(text('[["f", [], 3]]')), 'BAD_SHAPE', /kwargs/);
    assertProtocolError(() => manley.encodeRequest([{ name: 'f', args: [circular()] }]), 'UNENCODABLE');
    assert.throws(() => manley.encodeRequest([{ name: 1 as unknown as string }]), TypeError);
  });
});

function circular(): unknown {
  const o: Record<string, unknown> = {};
  o['self'] = o;
  return o;
}

describe('Manley zerorpc responses', () => {
  it('encodes a MultiCall answer with a failing entry (both layouts)', () => {
    assert.equal(manley.encodeResponse(ENTRIES).toString('utf8'), MULTICALL_RESPONSE_COMPACT);
    assert.equal(manley.encodeResponse(ENTRIES, { style: 'python' }).toString('utf8'), MULTICALL_RESPONSE_PYTHON);
  });

  it('decodes the answer and raises entry i when it is read', () => {
    const entries = manley.decodeResponse(text(MULTICALL_RESPONSE_PYTHON), 3);
    assert.deepEqual(entries, ENTRIES);
    assert.equal(manley.unwrapEntry(entries[0]!), 4);
    assert.throws(
      () => manley.unwrapEntry(entries[1]!),
      (err: unknown) =>
        err instanceof RemoteCallError &&
        err.remoteName === 'KeyError' &&
        err.remoteMessage === "Function 'nope' not found" &&
        err.message === "KeyError: Function 'nope' not found" &&
        err.code === 'EREMOTE',
    );
    assert.equal(manley.unwrapEntry(entries[2]!), 32);
  });

  it('turns a thrown error into an entry and back', () => {
    const thrown = new RangeError('too big');
    assert.equal(manley.errorEntry(thrown).traceback, '', 'no stack unless asked: it tells file paths');
    const entry = manley.errorEntry(thrown, true);
    assert.equal(entry.error_type, 'RangeError');
    assert.equal(entry.message, 'too big');
    assert.equal(entry.traceback, thrown.stack);
    const back = manley.entryToError(entry);
    assert.equal(back.remoteName, 'RangeError');
    assert.equal(back.remoteTraceback, thrown.stack);
    assert.deepEqual(manley.errorEntry('just text'), {
      success: false,
      error_type: 'Error',
      message: 'just text',
      traceback: '',
    });
  });

  it('fills in a missing traceback and result, maps undefined results to null', () => {
    assert.deepEqual(manley.decodeResponse(text('[{"success": false, "error_type": "E", "message": "m"}, {"success": true}]')), [
      { success: false, error_type: 'E', message: 'm', traceback: '' },
      { success: true, result: null },
    ]);
    assert.equal(manley.encodeResponse([manley.resultEntry(undefined)]).toString(), '[{"success":true,"result":null}]');
    assert.equal(manley.encodeResponse([{ success: true, result: undefined }]).toString(), '[{"success":true,"result":null}]');
  });

  it('reads Python NaN/Infinity tokens', () => {
    const [entry] = manley.decodeResponse(text('[{"success": true, "result": [NaN, Infinity, -Infinity]}]'));
    assert.deepEqual(entry, { success: true, result: [NaN, Infinity, -Infinity] });
  });

  it('rejects malformed responses with typed errors', () => {
    assertProtocolError(() => manley.decodeResponse(text('nope')), 'MALFORMED');
    assertProtocolError(() => manley.decodeResponse(text('{}')), 'BAD_SHAPE', /list of results/);
    assertProtocolError(() => manley.decodeResponse(text('[1]')), 'BAD_SHAPE', /entry 0/);
    assertProtocolError(() => manley.decodeResponse(text('[{"success": 1}]')), 'BAD_SHAPE', /entry 0/);
    assertProtocolError(() => manley.decodeResponse(text('[{"success": false, "message": "m"}]')), 'BAD_SHAPE', /strings/);
    assertProtocolError(() => manley.decodeResponse(text('[{"success": true}]'), 2), 'BAD_SHAPE', /expected 2/);
  });
});

describe('Manley properties', () => {
  it('round-trips random calls in both layouts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string(), args: fc.array(jsonValue, { maxLength: 4 }) }), { maxLength: 4 }),
        fc.constantFrom<manley.JsonStyle>('compact', 'python'),
        (calls, style) => {
          const decoded = manley.decodeRequest(manley.encodeRequest(calls, { style }));
          const expected = calls.map((c) => ({ name: c.name, args: c.args, kwargs: {} }));
          // JSON.stringify writes -0 as 0; the python layout keeps it (-0.0)
          assert.deepStrictEqual(decoded, style === 'compact' ? JSON.parse(JSON.stringify(expected)) : expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts the calls of a request from its octets as decoding would, whatever its strings hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string({ unit: 'grapheme' }), args: fc.array(jsonValue, { maxLength: 4 }) }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom<manley.JsonStyle>('compact', 'python'),
        (calls, style) => {
          const frame = manley.encodeRequest(calls, { style });
          assert.equal(manley.countRequestCalls(frame), manley.decodeRequest(frame).length);
        },
      ),
      { numRuns: 300 },
    );
    const tricky = text(` ${JSON.stringify([['a,[', ['\\', '"],', '[{'], { k: [1, 2] }], ['b', []]])} `);
    assert.equal(manley.countRequestCalls(tricky), 2);
    assert.equal(manley.decodeRequest(tricky).length, 2);
    assert.equal(manley.countRequestCalls(text(MULTICALL_REQUEST_PYTHON)), 3);
    for (const other of ['[]', '{"a": [1, 2]}', '7', '', '[[']) assert.equal(manley.countRequestCalls(text(other)), 1, other);
  });

  it('round-trips random response entries', () => {
    const entry = fc.oneof(
      jsonValue.map((v) => manley.resultEntry(v)),
      fc.record({ name: fc.string(), message: fc.string({ unit: 'binary' }) }).map(({ name, message }) => {
        const e = new Error(message);
        e.name = name || 'Error';
        return manley.errorEntry(e, true);
      }),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), (entries) => {
        const decoded = manley.decodeResponse(manley.encodeResponse(entries, { style: 'python' }), entries.length);
        assert.deepStrictEqual(decoded, entries);
      }),
      { numRuns: 200 },
    );
  });
});
