import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compactJsonDumps,
  parsePythonJson,
  pythonJsonDumps,
  pythonJsonNumber,
  pythonJsonString,
} from '../../../src/rpc/codec/pyjson.js';
import { MAX_DECODED_VALUES, checkJsonNesting } from '../../../src/rpc/codec/nesting.js';
import { jsonValue } from './arbitraries.js';

// Literal outputs of CPython 3 `json.dumps` for the same values.
describe('Python json.dumps compatibility (literal CPython outputs)', () => {
  it('formats floats like repr(float), ints like int', () => {
    assert.equal(
      pythonJsonDumps([0.1, 1 / 3, 2 ** 53, 1e-7, 1.23e22, 5e-324, -1.5e-10, 1.7976931348623157e308, 1e15 + 0.5, 0.001, 12345.678, 2 ** 60, -(2 ** 63), 100.25]),
      '[0.1, 0.3333333333333333, 9007199254740992.0, 1e-07, 1.23e+22, 5e-324, -1.5e-10, 1.7976931348623157e+308, 1000000000000000.5, 0.001, 12345.678, 1.152921504606847e+18, -9.223372036854776e+18, 100.25]',
    );
  });

  it('writes safe integral numbers as Python ints and bigints with all digits', () => {
    assert.equal(pythonJsonDumps([1, 1.0, -7, 0, 2 ** 53 - 1, 2n ** 64n, -(2n ** 70n)]), '[1, 1, -7, 0, 9007199254740991, 18446744073709551616, -1180591620717411303424]');
  });

  it('writes -0, NaN and the infinities as Python does', () => {
    assert.equal(pythonJsonDumps([-0, NaN, Infinity, -Infinity]), '[-0.0, NaN, Infinity, -Infinity]');
    assert.throws(() => pythonJsonDumps([NaN], { allowNan: false }), RangeError);
    assert.throws(() => pythonJsonNumber(Infinity, false), RangeError);
  });

  it('escapes strings with ensure_ascii, including surrogate pairs and lone surrogates', () => {
    assert.equal(
      pythonJsonDumps({ 'k\u00fc': '\u2028\ud800x\u{10ffff}\x1f\x08\x0c\r', '': [[], {}, [null]] }),
      '{"k\\u00fc": "\\u2028\\ud800x\\udbff\\udfff\\u001f\\b\\f\\r", "": [[], {}, [null]]}',
    );
    assert.equal(
      pythonJsonDumps({ text: 'h\u00e9llo \u{1F600} "q" \\ / \x7f \x00\n\t' }),
      '{"text": "h\\u00e9llo \\ud83d\\ude00 \\"q\\" \\\\ / \\u007f \\u0000\\n\\t"}',
    );
  });

  it('keeps non-ASCII raw with ensureAscii false (escaping only lone surrogates)', () => {
    assert.equal(pythonJsonString('é\u{1F600}\x7f"\ud800', false), '"é\u{1F600}\x7f\\"\\ud800"');
    assert.equal(pythonJsonString('\udc00', false), '"\\udc00"');
  });

  it('follows JSON.stringify for undefined, functions, toJSON and honours separators', () => {
    assert.equal(
      pythonJsonDumps({ a: undefined, b: [undefined, () => 1], c: new Date(0), d: { toJSON: () => undefined } }),
      '{"b": [null, null], "c": "1970-01-01T00:00:00.000Z"}',
    );
    assert.equal(pythonJsonDumps(undefined), 'null');
    assert.equal(pythonJsonDumps({ a: [1, 2] }, { separators: [',', ':'] }), '{"a":[1,2]}');
  });

  it('refuses circular structures', () => {
    const a: unknown[] = [];
    a.push(a);
    assert.throws(() => pythonJsonDumps(a), TypeError);
    // the same object twice (not circular) is fine
    const shared = { x: 1 };
    assert.equal(pythonJsonDumps([shared, shared]), '[{"x": 1}, {"x": 1}]');
  });
});

describe('compactJsonDumps', () => {
  it('uses JSON.stringify and falls back for bigints', () => {
    assert.equal(compactJsonDumps({ a: [1, 'é'] }), '{"a":[1,"é"]}');
    assert.equal(compactJsonDumps({ a: 2n ** 64n, b: 'é' }), '{"a":18446744073709551616,"b":"é"}');
    assert.equal(compactJsonDumps(undefined), 'null');
    const c: Record<string, unknown> = {};
    c['c'] = c;
    assert.throws(() => compactJsonDumps(c), TypeError);
  });

  it('writes -0 and non-finite numbers as JSON.stringify does, in the fallback too', () => {
    assert.equal(compactJsonDumps([-0, NaN, { i: -Infinity }]), '[0,null,{"i":null}]');
    assert.equal(compactJsonDumps([-0, NaN, { i: -Infinity }, 2n]), '[0,null,{"i":null},2]');
    assert.equal(compactJsonDumps([-0, 2 ** 53]), '[0,9007199254740992.0]');
  });

  it('writes a value the same whether or not a bigint sits beside it', () => {
    const withSpecials = fc.oneof(jsonValue, fc.constantFrom(-0, NaN, Infinity, -Infinity));
    fc.assert(
      fc.property(withSpecials, (v) => {
        const alone = JSON.parse(compactJsonDumps(v));
        const [beside, big] = JSON.parse(compactJsonDumps([v, 2n]));
        assert.equal(big, 2);
        assert.deepStrictEqual(beside, alone);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsePythonJson', () => {
  it('reads NaN, Infinity and -Infinity anywhere a value may stand', () => {
    const v = parsePythonJson(' {"a": [NaN, -Infinity, {"b": Infinity}], "s": "x\\u00e9\\n\\/\\"", "n": -1.5e-3, "t": true, "f": false, "z": null, "e": [], "o": {}} ');
    assert.deepEqual(v, { a: [NaN, -Infinity, { b: Infinity }], s: 'xé\n/"', n: -0.0015, t: true, f: false, z: null, e: [], o: {} });
  });

  it('keeps "__proto__" as an own key in the slow path', () => {
    const v = parsePythonJson('{"__proto__": {"x": NaN}}') as Record<string, unknown>;
    assert.ok(Object.prototype.hasOwnProperty.call(v, '__proto__'));
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });

  it('rejects invalid text in both paths', () => {
    for (const bad of ['', '[1,]', '{"a" 1}', '[NaN', '[NaN,]', '[NaN] x', '["\\x"] NaN', '["\u0001", NaN]', '[Nan]', '[-Inf]', '{NaN: 1}', '["\\u12g4", NaN]', '[01, NaN]', '["abc', '[NaN "a"]', '{"a": NaN "b"}', 'Infinityy']) {
      assert.throws(() => parsePythonJson(bad), SyntaxError, bad);
    }
  });
});

function hasFloat(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isSafeInteger(v) || Object.is(v, -0);
  if (Array.isArray(v)) return v.some(hasFloat);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasFloat);
  return false;
}

describe('Python JSON properties', () => {
  it('JSON.parse gives back the value pythonJsonDumps wrote', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const text = pythonJsonDumps(v);
        assert.deepStrictEqual(JSON.parse(text), v);
        assert.ok(/^[\x20-\x7e]*$/.test(text), 'output is printable ASCII');
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.stringify up to separators and escaping', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const compact = pythonJsonDumps(v, { separators: [',', ':'], ensureAscii: false });
        // number formats differ only for non-integers / -0 (Python float repr); everything else is identical
        if (!hasFloat(v)) assert.equal(compact, JSON.stringify(v));
        assert.deepStrictEqual(JSON.parse(compact), v);
      }),
      { numRuns: 300 },
    );
  });

  it('parsePythonJson reads what pythonJsonDumps writes, NaN and infinities included', () => {
    const withSpecials = fc.oneof(jsonValue, fc.array(fc.constantFrom(NaN, Infinity, -Infinity, 1.5), { minLength: 1 }));
    fc.assert(
      fc.property(withSpecials, (v) => {
        assert.deepStrictEqual(parsePythonJson(pythonJsonDumps(v)), v);
      }),
      { numRuns: 300 },
    );
  });
});

describe('values that survive the trip through JSON', () => {
  it('keeps integers beyond 2^53 exact as bigint, both ways', () => {
    const text = '[9223372036854775807, -9223372036854775808, 18446744073709551615, 9007199254740993, 9007199254740991, 1.0, 12345678901234567.5]';
    const value = parsePythonJson(text);
    assert.deepStrictEqual(value, [2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 53n + 1n, 2 ** 53 - 1, 1, 12345678901234568]);
    assert.equal(pythonJsonDumps(value), '[9223372036854775807, -9223372036854775808, 18446744073709551615, 9007199254740993, 9007199254740991, 1, 1.2345678901234568e+16]');
    assert.equal(compactJsonDumps({ n: 2n ** 70n }), '{"n":1180591620717411303424}');
    // A long digit run inside a string changes nothing.
    assert.deepStrictEqual(parsePythonJson('{"id": "12345678901234567890"}'), { id: '12345678901234567890' });
  });

  it('writes a Map with the keys Python would write for that dict', () => {
    const map = new Map<unknown, unknown>([[1, 'a'], [true, 'b'], [null, 'c'], [1.5, 'd'], [2n ** 64n, 'e'], ['s', new Map([[2, []]])]]);
    const python = '{"1": "a", "true": "b", "null": "c", "1.5": "d", "18446744073709551616": "e", "s": {"2": []}}';
    assert.equal(pythonJsonDumps(map), python);
    assert.equal(compactJsonDumps([map]), `[${python.replace(/": /g, '":').replace(/, /g, ',')}]`);
    assert.throws(() => pythonJsonDumps(new Map([[{}, 1]])), /keys must be str, int, float, bool or None/);
  });
});

describe('values one received JSON text may hold', () => {
  const tooMany = { name: 'RpcProtocolError', reason: 'TOO_LARGE', message: `value made of more than ${MAX_DECODED_VALUES} values` };
  /** A list of `n` elements, each the text `item`. */
  const list = (n: number, item: string): string => `[${Array.from({ length: n }, () => item).join(',')}]`;

  it('parses a text of MAX_DECODED_VALUES values, refuses one more before parsing, with or without the small parser', () => {
    assert.equal((parsePythonJson(list(MAX_DECODED_VALUES - 1, '0')) as unknown[]).length, MAX_DECODED_VALUES - 1);
    assert.throws(() => parsePythonJson(list(MAX_DECODED_VALUES, '0')), tooMany);
    assert.throws(() => parsePythonJson(list(MAX_DECODED_VALUES, '[]')), tooMany);
    assert.throws(() => parsePythonJson(list(MAX_DECODED_VALUES, '{}')), tooMany);
    assert.throws(() => parsePythonJson(list(MAX_DECODED_VALUES, 'NaN')), tooMany);
    assert.throws(() => parsePythonJson(`[12345678901234567890,${list(MAX_DECODED_VALUES, '1')}]`), tooMany);
    assert.throws(() => parsePythonJson(`{"a": ${list(MAX_DECODED_VALUES / 2, '{"b": 1}')}}`), tooMany);
  });

  it('counts what parsing makes: members, elements and containers, not commas or brackets inside strings', () => {
    assert.doesNotThrow(() => checkJsonNesting(' [ [ ] , { } , { "a" : 1 , "b" : [ ] } ] ', 100, 6));
    assert.throws(() => checkJsonNesting(' [ [ ] , { } , { "a" : 1 , "b" : [ ] } ] ', 100, 5), { reason: 'TOO_LARGE' });
    assert.doesNotThrow(() => checkJsonNesting(`["${',[]'.repeat(50)}", "\\",,"]`, 100, 3));
  });
});
