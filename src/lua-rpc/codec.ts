/**
 * The luatobin codec: the serialization used by the Mihini Lua `rpc` module,
 * octet-for-octet as a Lua peer writes and reads it.
 *
 * ## JavaScript to Lua (encoding)
 *
 * | JavaScript | Lua / wire |
 * |---|---|
 * | `null`, `undefined` | `nil` (`00`) |
 * | `boolean` | boolean (`01 00` / `01 01`) |
 * | `number`, integral, in int32 range, not `-0` | integer (`07` + int32) |
 * | any other `number` (fractions, `-0`, `NaN`, `±Infinity`, integers beyond int32) | number (`03` + float64); never truncated |
 * | `bigint` | like the equal `number`; a bigint with no exact float64 value is refused |
 * | `string` | string (`04`), UTF-8 octets; 65535 octets or more, or a lone surrogate, is refused |
 * | `LuaBytes`, `Buffer`, `Uint8Array` | string (`04`) with exactly those octets |
 * | array | table with keys `1..n` (array part); `null`/`undefined` elements are holes (not sent, as in Lua) |
 * | plain object (prototype `Object.prototype` or `null`) | table with string keys, in `Object.keys` order; `null`/`undefined` values are not sent |
 * | `Map` | table with the Map's keys (any encodable non-nil, non-NaN key) in insertion order; `null`/`undefined` values are not sent |
 * | `LuaTable` | table with exactly its pairs, in order (nil values included) |
 * | `LuaFunction` | function (`06`) with its bytecode |
 * | `LocalObjectRef(n)` | `21` + int32 ("my object n") |
 * | `RemoteObjectRef(n)` | `3F` + int32 ("your object n") |
 * | anything else (functions, symbols, class instances, `LuaMulti` inside a value) | refused with `LuaEncodeError` |
 *
 * Tables hold at most 65534 pairs. Within one top-level object, a string equal
 * to one already written (same octets) and an object, array, Map, LuaTable or
 * LuaFunction already written (same identity) become back-references (`14`),
 * numbered 1, 2, 3... in pre-order with a table numbered before its contents:
 * shared and self-referencing structures are sent once and keep their shape.
 *
 * ## Lua to JavaScript (decoding)
 *
 * | wire | JavaScript |
 * |---|---|
 * | nil | `null` |
 * | boolean | `boolean` (any non-zero octet is `true`) |
 * | integer (`07`) | `number` |
 * | number (`03`) | `number` (`-0`, `NaN`, `±Infinity` preserved) |
 * | string, valid UTF-8 | `string` |
 * | string, not valid UTF-8 | `LuaBytes` (re-encodes to the same octets) |
 * | function | `LuaFunction` (opaque bytecode) |
 * | `21` + n | `RemoteObjectRef(n)` |
 * | `3F` + n | `LocalObjectRef(n)` |
 * | table, default `tables: "auto"` | see below |
 * | table, `tables: "exact"` | `LuaTable` (pairs in wire order, nested tables too) |
 *
 * With `tables: "auto"` pairs whose value is nil are dropped (Lua does not
 * store them), then a table becomes:
 * - an **array** when its keys are exactly the integers `1..n` (in any order;
 *   the empty table is `[]`);
 * - otherwise a **plain object** when every key is a string (an own
 *   `__proto__` key is defined as data, never touching the prototype);
 * - otherwise a **Map** (number keys other than a `1..n` sequence, boolean,
 *   table, function, `LuaBytes` keys...), insertion order = wire order.
 * A back-reference yields the very same JS object, so cycles and sharing
 * survive. A table key that is nil or NaN is malformed input.
 *
 * With `strings: "bytes"` every string decodes to `LuaBytes`.
 *
 * ## Round trips
 * `decode(encode(v))` equals `v` for: `null`, booleans, numbers (Lua has one
 * number type, so `1.0` and `1` are the same value), strings without lone
 * surrogates, `LuaFunction`, non-empty arrays without `null`/`undefined`,
 * non-empty plain objects without `null`/`undefined` values, Maps that are not
 * mistaken for the above (keys not exactly `1..n`, not all strings) and any
 * nesting of those, including cycles. Object references swap perspective
 * (`LocalObjectRef` encodes as `21`, which decodes as `RemoteObjectRef`) because
 * a reference always names the side that owns the object. `LuaTable`
 * (`tables: "exact"`) and `LuaBytes` (`strings: "bytes"`) round-trip every
 * decodable table and string octet-for-octet.
 *
 * @module
 */

export { LuaWriter, encode, encodeMany, Tag, DEFAULT_MAX_DEPTH, type EncodeOptions } from "./encoder.js";
export { LuaReader, decode, decodeMany, DEFAULT_MAX_VALUES, type DecodeOptions } from "./decoder.js";
