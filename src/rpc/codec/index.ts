/**
 * Sans-I/O wire codecs of purezmq's RPC layer: pure functions from frames to
 * values and back, for LuaOverMQ (msgpack, the default protocol), Manley's
 * zerorpc (JSON MultiCall) and pyzmqrpc3 (base64 + zlib + Python JSON commands).
 *
 * Each protocol is exported as a namespace (`luaovermq`, `manley`,
 * `pyzmqrpc`) since they share function names (`encodeRequest`, ...); the
 * shared errors and the Python-compatible JSON helpers are exported directly.
 *
 * @module
 */

/** LuaOverMQ codec (default protocol): msgpack request frame, `OK`/`ERROR` + msgpack reply. */
export * as luaovermq from '../luaovermq/codec.js';
/** Manley's zerorpc codec: JSON list of calls, index-aligned list of result entries. */
export * as manley from '../manley/codec.js';
/** pyzmqrpc3 codec: base64(zlib(JSON)) commands, JSON status responses, typed commands. */
export * as pyzmqrpc from '../pyzmqrpc3/codec.js';
/** dotcloud zerorpc events: `[header, name, args]` in msgpack. */
export * as zerorpc from '../zerorpc/events.js';
/** msgpack values that survive the trip (non-string map keys as `Map`, 64-bit integers as `bigint`). */
export { decodeMsgpack, encodeMsgpack } from './msgpack.js';
/** Shared errors (`RpcProtocolError`, `RemoteCallError`) and helpers. */
export * from './errors.js';
/** Python `json.dumps`-compatible serialiser and `json.loads`-compatible parser. */
export * from './pyjson.js';
/** The typed-command model of pyzmqrpc3, also at top level for convenience. */
export { Command, CommandRegistry, defineCommand } from '../pyzmqrpc3/codec.js';
/** Types of the typed-command model. */
export type { CommandClass, RecordCommand, RecordCommandClass } from '../pyzmqrpc3/codec.js';
/** The nesting and value-count bounds of received msgpack and JSON values. */
export { MAX_DECODED_VALUES, MAX_NESTING_DEPTH } from './nesting.js';
