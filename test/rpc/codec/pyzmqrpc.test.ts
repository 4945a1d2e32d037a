import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import * as pz from '../../../src/rpc/pyzmqrpc3/codec.js';
import { Command, CommandRegistry, defineCommand } from '../../../src/rpc/pyzmqrpc3/codec.js';
import { RemoteCallError, RpcProtocolError } from '../../../src/rpc/codec/errors.js';
import { jsonValue } from './arbitraries.js';

// Produced by CPython 3: base64.b64encode(zlib.compress(json.dumps(
//   {"_icmd_": ("SimpleCommand", dict(param1="value1", param2="value2"))}).encode()))
const SIMPLE_JSON = '{"_icmd_": ["SimpleCommand", {"param1": "value1", "param2": "value2"}]}';
const SIMPLE_B64_PYTHON = 'eJyrVorPTM5NiVeyUohWCs7MLchJdc7PzU3MS1HSUahWKkgsSsw1BEoqlSXmlKYaAgUhYkZwMSOl2thaADdfFo0=';
// CPython 3 json.dumps of a state with non-ASCII text, escapes and floats, and its zlib+base64.
const RICH_JSON =
  '{"_icmd_": ["Cmd", {"text": "h\\u00e9llo \\ud83d\\ude00 \\"q\\" \\\\ / \\u007f \\u0000\\n\\t", "n": [1, 2.5, -0.0, 1e+16, 1e-05, 0.0001, 1e+22, 1.5e-07, 123456789.125, 1e+300, true, false, null], "nested": {}, "empty": []}]}';
const RICH_B64_PYTHON =
  'eJwdjd0OgjAMhV+l6a1jdsMJeOtjWEKMG9Fk4A8j0RDe3Y6bnvZre86C3eM2+A5PcMHz4FHBgil8kwC880wUmhifwLOvSy81EAHjmxGYYQ/5ouo3IeKRkxjgmN2MAqudgoI0KTBhZ45ZChImiMhs1FoR7YRX0tjy4I5V3Whj3bYuSZ7TZw4K+mucRMY5xjaHhCkFL0nLKlMYXumXY9u1Xf+alDhr';
const RICH_STATE = {
  text: 'h\u00e9llo \u{1F600} "q" \\ / \x7f \x00\n\t',
  n: [1, 2.5, -0, 1e16, 1e-5, 0.0001, 1e22, 1.5e-7, 123456789.125, 1e300, true, false, null],
  nested: {},
  empty: [],
};

function assertProtocolError(fn: () => unknown, reason: string, message?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RpcProtocolError, `expected RpcProtocolError, got ${String(err)}`);
    assert.equal(err.code, 'EPROTO');
    assert.equal(err.reason, reason);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });
}

const SimpleCommand = defineCommand('SimpleCommand', { param1: '', param2: '' });

describe('pyzmqrpc3 command frames', () => {
  it('decodes a command whose base64 text is several MiB (the base64 check does not overflow)', () => {
    const pad = randomBytes(3 * 1024 * 1024).toString('latin1');
    const frame = pz.encodeCommand('Big', { pad });
    assert.ok(frame.length > 3 * 1024 * 1024, 'incompressible: the base64 text is as large');
    assert.equal((pz.decodeCommand(frame, { maxBytes: 64 * 1024 * 1024 }).state as { pad: string }).pad, pad);
    assert.throws(() => pz.decodeCommand(frame.subarray(1), { maxBytes: 64 * 1024 * 1024 }), RpcProtocolError, 'length not a multiple of 4');
  });

  it('writes the command JSON exactly as Python json.dumps', () => {
    assert.equal(pz.commandJson('SimpleCommand', { param1: 'value1', param2: 'value2' }), SIMPLE_JSON);
    assert.equal(pz.commandJson('Cmd', RICH_STATE), RICH_JSON);
  });

  it('encodes base64(zlib(JSON)) whose inner JSON is the literal text', () => {
    const frame = pz.encodeCommand('SimpleCommand', { param1: 'value1', param2: 'value2' });
    assert.match(frame.toString('ascii'), /^[A-Za-z0-9+/]+={0,2}$/);
    const raw = Buffer.from(frame.toString('ascii'), 'base64');
    assert.equal(raw[0], 0x78, 'zlib header');
    assert.equal(inflateSync(raw).toString('utf8'), SIMPLE_JSON);
    assert.equal(pz.unzipCommandText(frame), SIMPLE_JSON);
    // same compressed stream as node:zlib's deflate of the literal JSON
    assert.equal(frame.toString('ascii'), deflateSync(Buffer.from(SIMPLE_JSON)).toString('base64'));
  });

  it('decodes literal frames produced by the Python implementation', () => {
    assert.deepEqual(pz.decodeCommand(Buffer.from(SIMPLE_B64_PYTHON)), {
      name: 'SimpleCommand',
      state: { param1: 'value1', param2: 'value2' },
    });
    assert.equal(pz.unzipCommandText(Buffer.from(RICH_B64_PYTHON)), RICH_JSON);
    assert.deepStrictEqual(pz.decodeCommand(Buffer.from(RICH_B64_PYTHON)), { name: 'Cmd', state: RICH_STATE });
    // whitespace in the base64 text is ignored, as Python's b64decode does
    assert.equal(pz.decodeCommand(Buffer.from(SIMPLE_B64_PYTHON.slice(0, 20) + '\r\n' + SIMPLE_B64_PYTHON.slice(20))).name, 'SimpleCommand');
  });

  it('rejects malformed frames with the reference server texts', () => {
    const unzip = 'Could not decode/unzip the contents';
    const interpret = 'Could not interpret the unzipped contents';
    const z = (s: string): Buffer => Buffer.from(deflateSync(Buffer.from(s)).toString('base64'));
    assertProtocolError(() => pz.decodeCommand(Buffer.from('not base64!')), 'MALFORMED', unzip);
    assertProtocolError(() => pz.decodeCommand(Buffer.from('abc')), 'MALFORMED', unzip);
    assertProtocolError(() => pz.decodeCommand(Buffer.from('')), 'MALFORMED', unzip);
    assertProtocolError(() => pz.decodeCommand(Buffer.from('aGVsbG8=')), 'MALFORMED', unzip); // base64 of "hello", not zlib
    assertProtocolError(() => pz.decodeCommand(Buffer.from(SIMPLE_B64_PYTHON.slice(0, 40))), 'MALFORMED', unzip);
    assertProtocolError(() => pz.decodeCommand(Buffer.from(deflateSync(Buffer.from([0xff, 0xfe])).toString('base64'))), 'MALFORMED', interpret);
    assertProtocolError(() => pz.decodeCommand(z('{"_icmd_": ["X", {}]')), 'MALFORMED', interpret);
    assertProtocolError(() => pz.decodeCommand(z('["X", {}]')), 'BAD_SHAPE', interpret);
    assertProtocolError(() => pz.decodeCommand(z('{"cmd": ["X", {}]}')), 'BAD_SHAPE', interpret);
    assertProtocolError(() => pz.decodeCommand(z('{"_icmd_": ["X"]}')), 'BAD_SHAPE', interpret);
    assertProtocolError(() => pz.decodeCommand(z('{"_icmd_": [1, {}]}')), 'BAD_SHAPE', interpret);
    assertProtocolError(() => pz.decodeCommand(z('{"_icmd_": ["X", 1, 2]}')), 'BAD_SHAPE', interpret);
    assertProtocolError(() => pz.decodeCommand(z(`{"_icmd_": ["X", "${'a'.repeat(200)}"]}`), { maxBytes: 100 }), 'TOO_LARGE', unzip);
  });

  it('refuses unencodable states and empty names', () => {
    const c: Record<string, unknown> = {};
    c['c'] = c;
    assertProtocolError(() => pz.encodeCommand('X', c), 'UNENCODABLE');
    assert.throws(() => pz.encodeCommand('', {}), TypeError);
  });

  it('recognises the heartbeat frame', () => {
    assert.equal(pz.isHeartbeat(Buffer.from('zmq_sub_heartbeat')), true);
    assert.equal(pz.isHeartbeat(new Uint8Array(Buffer.from('zmq_sub_heartbeat'))), true);
    assert.equal(pz.isHeartbeat(Buffer.from('zmq_sub_heartbeaT')), false);
    assert.equal(pz.isHeartbeat(Buffer.from(SIMPLE_B64_PYTHON)), false);
  });
});

describe('pyzmqrpc3 responses', () => {
  it('encodes the literal Python responses', () => {
    const result = 'SimpleService response text for SimpleCommand is "{\'param1\': \'value1\', \'param2\': \'value2\'}"';
    assert.equal(
      pz.okResponse(result).toString('utf8'),
      '{"status_code": 200, "status_message": "OK", "response_message": "SimpleService response text for SimpleCommand is \\"{\'param1\': \'value1\', \'param2\': \'value2\'}\\""}',
    );
    assert.equal(pz.okResponse().toString('utf8'), '{"status_code": 200, "status_message": "OK"}');
    assert.equal(pz.okResponse(null).toString('utf8'), '{"status_code": 200, "status_message": "OK"}');
    assert.equal(
      pz.noServiceResponse('SimpleCommand').toString('utf8'),
      '{"status_code": 451, "status_message": "No service on the server is registered for command \\"SimpleCommand\\"."}',
    );
    assert.equal(
      pz.serviceExceptionResponse('SimpleService', new Error('boom')).toString('utf8'),
      '{"status_code": 463, "status_message": "Exception raised when calling service SimpleService. Exception: boom "}',
    );
    assert.equal(
      pz.badSerializationResponse(new Error('Could not decode/unzip the contents')).toString('utf8'),
      '{"status_code": 400, "status_message": "Incorrectly marshalled command. Incoming message is no proper json formatted string. Exception: Could not decode/unzip the contents"}',
    );
  });

  it('decodes responses and reproduces the reference client outcome', () => {
    const ok = pz.decodeResponse(Buffer.from('{"status_code": 200, "status_message": "OK", "response_message": [1, "a"]}'));
    assert.deepEqual(ok, { statusCode: 200, statusMessage: 'OK', hasResponseMessage: true, responseMessage: [1, 'a'] });
    assert.deepEqual(pz.responseResult(ok), [1, 'a']);
    assert.equal(pz.responseResult(pz.decodeResponse(pz.okResponse())), undefined);

    const e451 = pz.decodeResponse(pz.noServiceResponse('Command'));
    assert.throws(
      () => pz.responseResult(e451),
      (err: unknown) =>
        err instanceof RemoteCallError && err.statusCode === 451 && err.message === 'No service on the server is registered for command "Command".',
    );
    const bare = pz.decodeResponse(Buffer.from('{"status_code": 482}'));
    assert.throws(() => pz.responseResult(bare), (err: unknown) => err instanceof RemoteCallError && err.message === 'Error occurred with code 482');
  });

  it('rejects malformed responses with typed errors', () => {
    assertProtocolError(() => pz.decodeResponse(Buffer.from('{"status_code": 200')), 'MALFORMED', 'Marshalling error: Response is not a json message');
    assertProtocolError(() => pz.decodeResponse(Buffer.from([0xc3])), 'MALFORMED');
    assertProtocolError(() => pz.decodeResponse(Buffer.from('[200]')), 'BAD_SHAPE');
    assertProtocolError(() => pz.decodeResponse(Buffer.from('{"status_message": "OK"}')), 'BAD_SHAPE', 'No status_code in response');
    assertProtocolError(() => pz.decodeResponse(Buffer.from('{"status_code": 2.5}')), 'BAD_SHAPE', 'No status_code in response');
    assertProtocolError(() => pz.decodeResponse(Buffer.from('{"status_code": 200, "status_message": 1}')), 'BAD_SHAPE');
    assertProtocolError(() => pz.encodeResponse(200, 'OK', { toJSON: () => { throw new Error('no'); } }), 'UNENCODABLE');
  });
});

describe('typed commands', () => {
  it('defineCommand makes a no-argument-constructible command with field getters', () => {
    const cmd = new SimpleCommand({ param1: 'value1', param2: 'value2' });
    assert.ok(cmd instanceof Command);
    assert.equal(cmd.param1, 'value1');
    assert.equal(cmd.commandName, 'SimpleCommand');
    assert.equal(SimpleCommand.name, 'SimpleCommand');
    assert.deepEqual(new SimpleCommand().getCommandState(), { param1: '', param2: '' });
    assert.equal(pz.unzipCommandText(pz.encodeCommandObject(cmd)), SIMPLE_JSON);
    // field order is the order of the defaults, whatever the init order
    assert.deepEqual(Object.keys(new SimpleCommand({ param2: 'b', param1: 'a' }).getCommandState()), ['param1', 'param2']);
  });

  it('setCommandState takes missing fields from the defaults and refuses non-objects', () => {
    const Cmd = defineCommand('ListCommand', { items: [] as number[], label: 'x' });
    const a = new Cmd();
    const b = new Cmd();
    assert.notEqual(a.items, b.items, 'defaults are copied per instance');
    a.setCommandState({ items: [1, 2] } as never);
    assert.deepEqual(a.getCommandState(), { items: [1, 2], label: 'x' });
    assert.throws(() => a.setCommandState(5 as never), TypeError);
    assert.throws(() => defineCommand('Bad', { toJSON: 1 }), TypeError);
  });

  it('supports hand-written Command subclasses with a wire-name override', () => {
    class Point extends Command<{ x: number; y: number }> {
      static override commandName = 'PointCommand';
      x = 0;
      y = 0;
      getCommandState() {
        return { x: this.x, y: this.y };
      }
      setCommandState(state: { x: number; y: number }) {
        this.x = state.x;
        this.y = state.y;
      }
    }
    class Plain extends Command<null> {
      getCommandState() {
        return null;
      }
      setCommandState() {}
    }
    const p = new Point();
    p.x = 3;
    assert.equal(pz.unzipCommandText(pz.encodeCommandObject(p)), '{"_icmd_": ["PointCommand", {"x": 3, "y": 0}]}');
    assert.equal(new Plain().commandName, 'Plain');
    assert.equal(pz.commandNameOf(Point), 'PointCommand');
  });

  it('CommandRegistry rebuilds commands, nested ones included', () => {
    const Inner = defineCommand('Inner', { v: 0 });
    const Outer = defineCommand('Outer', { inner: null as unknown, list: [] as unknown[] });
    const reg = new CommandRegistry().register(SimpleCommand).register(Inner).register(Outer);
    assert.deepEqual(reg.names(), ['SimpleCommand', 'Inner', 'Outer']);
    assert.equal(reg.has('Inner'), true);
    assert.equal(reg.get('Inner'), Inner);

    const simple = reg.decode(Buffer.from(SIMPLE_B64_PYTHON));
    assert.ok(simple instanceof SimpleCommand);
    assert.deepEqual(simple.getCommandState(), { param1: 'value1', param2: 'value2' });

    const outer = new Outer({ inner: new Inner({ v: 7 }), list: [new Inner({ v: 8 }), { plain: true }] });
    const frame = pz.encodeCommandObject(outer);
    assert.equal(
      pz.unzipCommandText(frame),
      '{"_icmd_": ["Outer", {"inner": {"_icmd_": ["Inner", {"v": 7}]}, "list": [{"_icmd_": ["Inner", {"v": 8}]}, {"plain": true}]}]}',
    );
    const back = reg.decode(frame) as InstanceType<typeof Outer>;
    assert.ok(back instanceof Outer);
    assert.ok(back.inner instanceof Inner);
    assert.equal((back.inner as InstanceType<typeof Inner>).v, 7);
    assert.ok(back.list[0] instanceof Inner);
    assert.deepEqual(back.list[1], { plain: true });
  });

  it('CommandRegistry refuses duplicates, bad classes and unknown names', () => {
    const reg = new CommandRegistry().register(SimpleCommand);
    assert.throws(() => reg.register(SimpleCommand), /already registered/);
    class NeedsArg extends Command {
      constructor(x: number) {
        super();
        if (x === undefined) throw new Error('x required');
      }
      getCommandState() {
        return null;
      }
      setCommandState() {}
    }
    assert.throws(() => reg.register(NeedsArg as never), /default constructor/);
    class NotACommand {}
    assert.throws(() => reg.register(NotACommand as never), /extend Command/);
    assertProtocolError(() => reg.create('Nope', {}), 'UNKNOWN_COMMAND', 'unknown command "Nope"');
    assertProtocolError(() => reg.decode(pz.encodeCommand('Nope', {})), 'UNKNOWN_COMMAND');
    assertProtocolError(() => reg.decode(pz.encodeCommand('SimpleCommand', 5)), 'BAD_SHAPE', 'invalid state for command "SimpleCommand": state of command SimpleCommand must be an object');
  });
});

describe('pyzmqrpc3 properties', () => {
  it('round-trips random command states and responses', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), jsonValue, (name, state) => {
        assert.deepStrictEqual(pz.decodeCommand(pz.encodeCommand(name, state)), { name, state });
        const resp = pz.decodeResponse(pz.okResponse(state));
        assert.deepStrictEqual(pz.responseResult(resp), state === null ? undefined : state);
      }),
      { numRuns: 200 },
    );
  });
});
