/**
 * pyzmqrpc3 wire codec (typed commands and services over ZeroMQ REQ/REP and PUB/SUB).
 *
 * Request frame (a text frame): `base64(zlib(JSON({"_icmd_": [CommandClassName, state]})))`
 * - JSON exactly as CPython's `json.dumps` writes it by default (separators
 *   `", "` / `": "`, ASCII-only; see `pyjson.ts` for numbers);
 * - zlib: a deflate stream with the zlib header, as `zlib.compress`. Our
 *   compressed bytes are valid zlib but need not equal CPython's byte for byte
 *   (deflate implementations choose different blocks); the JSON inside is exact;
 * - base64: standard alphabet with `=` padding.
 * `state` is what the command's `getCommandState()` returns; the receiver
 * rebuilds the command with its no-argument constructor and `setCommandState(state)`.
 * A `{"_icmd_": ...}` object nested in a state is itself a command.
 *
 * Response frame (plain JSON text, not compressed):
 * `{"status_code": 200, "status_message": "OK", "response_message": result}`,
 * `response_message` left out when the result is None (null / undefined here).
 * Other statuses: 400 undecodable request, 451
 * `No service on the server is registered for command "X".`, 463
 * `Exception raised when calling service S. Exception: e ` (trailing space
 * included; S is the service class name), 482 proxy error.
 * The text frame `zmq_sub_heartbeat` is a heartbeat and gets no response.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { promisify } from 'node:util';
import { inflate, inflateSync, deflateSync, type ZlibOptions } from 'node:zlib';
import { RemoteCallError, RpcProtocolError, decodeUtf8Frame, errorMessageOf, isRecord } from '../codec/errors.js';
import { parsePythonJson, pythonJsonDumps } from '../codec/pyjson.js';

/** JSON key under which a command travels: `{"_icmd_": [name, state]}`. */
export const COMMAND_KEY = '_icmd_';
/** The heartbeat text frame (never answered). */
export const HEARTBEAT_MESSAGE = 'zmq_sub_heartbeat';

/** Status 200: success. */
export const STATUS_OK = 200;
/** Status message that goes with 200. */
export const STATUS_MESSAGE_OK = 'OK';
/** Status 400: the request could not be decoded. */
export const STATUS_BAD_SERIALIZATION = 400;
/** Status 451: no service registered for the command. */
export const STATUS_BAD_SERVICE = 451;
/** Status 463: the service threw. */
export const STATUS_EXCEPTION_RAISED = 463;
/** Status 482: a proxy could not forward the request. */
export const STATUS_PROXY_ERROR = 482;

/** Message of a request whose base64/zlib layer is broken (as the reference server words it). */
export const UNZIP_FAILED_MESSAGE = 'Could not decode/unzip the contents';
/** Message of a request whose JSON/command layer is broken (as the reference server words it). */
export const INTERPRET_FAILED_MESSAGE = 'Could not interpret the unzipped contents';

/**
 * Largest decompressed request accepted by default (4 MiB). A deflate
 * stream shrinks repetitive text about a thousand times, so the bound is on
 * what comes out, checked while inflating: a bomb is refused once it has
 * produced this much, never inflated in full.
 */
export const DEFAULT_MAX_COMMAND_BYTES = 4 * 1024 * 1024;

const inflateAsync = promisify(inflate) as (buf: Buffer, options: ZlibOptions) => Promise<Buffer>;
const HEARTBEAT_FRAME = Buffer.from(HEARTBEAT_MESSAGE, 'ascii');
// One character-class loop and a length check: a pattern of repeated
// four-character groups backtracks once per group and overflowed the
// regular expression stack on commands of a few MiB.
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE_RE = /[\t\n\r ]/g;

/** True when the frame is the heartbeat text `zmq_sub_heartbeat`. */
export function isHeartbeat(frame: Uint8Array): boolean {
  return frame.byteLength === HEARTBEAT_FRAME.byteLength && Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).equals(HEARTBEAT_FRAME);
}

/** A command as it travels: class name and state. */
export interface CommandMessage {
  /** The command class name (Python's `type(cmd).__name__`). */
  readonly name: string;
  /** The command state (`getCommandState()` of the sender). */
  readonly state: unknown;
}

/**
 * The JSON text of a command, exactly as the reference client writes it before
 * compression: `{"_icmd_": ["Name", state]}`.
 *
 * @throws RpcProtocolError (`UNENCODABLE`) for circular states.
 */
export function commandJson(name: string, state: unknown): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('command name must be a non-empty string');
  try {
    return pythonJsonDumps({ [COMMAND_KEY]: [name, state] });
  } catch (err) {
    throw new RpcProtocolError(`cannot encode command state as JSON: ${errorMessageOf(err)}`, 'UNENCODABLE', { cause: err });
  }
}

/**
 * Encodes a request frame: `base64(zlib(JSON({"_icmd_": [name, state]})))`.
 * Command instances nested in `state` are written as nested commands.
 *
 * @throws TypeError for an empty name; RpcProtocolError (`UNENCODABLE`).
 */
export function encodeCommand(name: string, state: unknown): Buffer {
  const compressed = deflateSync(Buffer.from(commandJson(name, state), 'utf8'));
  return Buffer.from(compressed.toString('base64'), 'ascii');
}

/** Options of {@link decodeCommand}. */
export interface DecodeCommandOptions {
  /** Largest decompressed size accepted; default {@link DEFAULT_MAX_COMMAND_BYTES}. */
  readonly maxBytes?: number;
}

/** The compressed octets of a request frame (its base64 layer removed). */
function compressedOf(frame: Uint8Array): Buffer {
  const text = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('latin1').replace(WHITESPACE_RE, '');
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) {
    throw new RpcProtocolError(UNZIP_FAILED_MESSAGE, 'MALFORMED', { cause: new Error('invalid base64 text') });
  }
  return Buffer.from(text, 'base64');
}

function unzipFailed(err: unknown, maxBytes: number): RpcProtocolError {
  const tooLarge = (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
  const cause = tooLarge ? new Error(`the command inflates to more than ${maxBytes} octets (maxCommandBytes)`, { cause: err }) : err;
  return new RpcProtocolError(UNZIP_FAILED_MESSAGE, tooLarge ? 'TOO_LARGE' : 'MALFORMED', { cause });
}

function jsonTextOf(json: Buffer): string {
  try {
    return decodeUtf8Frame(json, 'command JSON');
  } catch (err) {
    throw new RpcProtocolError(INTERPRET_FAILED_MESSAGE, 'MALFORMED', { cause: err });
  }
}

/**
 * The JSON text inside a request frame (base64 and zlib layers removed).
 * ASCII whitespace in the base64 text is ignored. Inflates on the calling
 * thread: servers use {@link unzipCommandTextAsync}.
 *
 * @throws RpcProtocolError: `MALFORMED` (message {@link UNZIP_FAILED_MESSAGE}
 *   or {@link INTERPRET_FAILED_MESSAGE}, detail in `cause`), `TOO_LARGE`
 *   when the text inflates beyond `maxBytes`.
 */
export function unzipCommandText(frame: Uint8Array, options: DecodeCommandOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_COMMAND_BYTES;
  const compressed = compressedOf(frame);
  let json: Buffer;
  try {
    json = inflateSync(compressed, { maxOutputLength: maxBytes });
  } catch (err) {
    throw unzipFailed(err, maxBytes);
  }
  return jsonTextOf(json);
}

/**
 * {@link unzipCommandText} inflating on Node's thread pool, so that a large
 * request does not hold the event loop; same errors.
 */
export async function unzipCommandTextAsync(frame: Uint8Array, options: DecodeCommandOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_COMMAND_BYTES;
  const compressed = compressedOf(frame);
  let json: Buffer;
  try {
    json = await inflateAsync(compressed, { maxOutputLength: maxBytes });
  } catch (err) {
    throw unzipFailed(err, maxBytes);
  }
  return jsonTextOf(json);
}

function asCommandMessage(value: unknown): CommandMessage | undefined {
  if (!isRecord(value) || !Object.prototype.hasOwnProperty.call(value, COMMAND_KEY)) return undefined;
  const body = value[COMMAND_KEY];
  if (!Array.isArray(body) || body.length !== 2 || typeof body[0] !== 'string') return undefined;
  return { name: body[0], state: body[1] };
}

/**
 * Decodes a request frame into the command name and raw state (nested
 * commands are left as `{"_icmd_": ...}` objects; {@link CommandRegistry.decode}
 * rebuilds them).
 *
 * @throws RpcProtocolError: `MALFORMED` ({@link UNZIP_FAILED_MESSAGE} or
 *   {@link INTERPRET_FAILED_MESSAGE}) or `BAD_SHAPE` ({@link INTERPRET_FAILED_MESSAGE}
 *   when the JSON is not `{"_icmd_": [string, state]}`); details in `cause`.
 */
export function decodeCommand(frame: Uint8Array, options: DecodeCommandOptions = {}): CommandMessage {
  return parseCommandText(unzipCommandText(frame, options));
}

/** {@link decodeCommand} inflating off the event loop (see {@link unzipCommandTextAsync}); same errors. */
export async function decodeCommandAsync(frame: Uint8Array, options: DecodeCommandOptions = {}): Promise<CommandMessage> {
  return parseCommandText(await unzipCommandTextAsync(frame, options));
}

function parseCommandText(text: string): CommandMessage {
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (err) {
    throw new RpcProtocolError(INTERPRET_FAILED_MESSAGE, 'MALFORMED', { cause: err });
  }
  const msg = asCommandMessage(value);
  if (msg === undefined) {
    throw new RpcProtocolError(INTERPRET_FAILED_MESSAGE, 'BAD_SHAPE', {
      cause: new Error(`expected {"${COMMAND_KEY}": [name, state]}`),
    });
  }
  return msg;
}

/** A decoded response. */
export interface PyzmqResponse {
  /** Numeric status (200 on success). */
  readonly statusCode: number;
  /** Status text, `undefined` when the response had none. */
  readonly statusMessage: string | undefined;
  /** True when the response carried `response_message`. */
  readonly hasResponseMessage: boolean;
  /** The `response_message` value (`undefined` when absent). */
  readonly responseMessage: unknown;
}

/**
 * Encodes a response frame as the reference server writes it:
 * `{"status_code": C, "status_message": M, "response_message": R}`,
 * without `response_message` when `responseMessage` is `null`/`undefined`.
 *
 * @throws RpcProtocolError (`UNENCODABLE`).
 */
export function encodeResponse(statusCode: number, statusMessage: string, responseMessage?: unknown): Buffer {
  const payload: Record<string, unknown> = { status_code: statusCode, status_message: statusMessage };
  if (responseMessage !== undefined && responseMessage !== null) payload['response_message'] = responseMessage;
  try {
    return Buffer.from(pythonJsonDumps(payload), 'utf8');
  } catch (err) {
    throw new RpcProtocolError(`cannot encode response as JSON: ${errorMessageOf(err)}`, 'UNENCODABLE', { cause: err });
  }
}

/** The 200 response for a service result. */
export function okResponse(result?: unknown): Buffer {
  return encodeResponse(STATUS_OK, STATUS_MESSAGE_OK, result);
}

/** The 451 message: `No service on the server is registered for command "X".` */
export function noServiceMessage(commandName: string): string {
  return `No service on the server is registered for command "${commandName}".`;
}

/** The 451 response for a command with no registered service. */
export function noServiceResponse(commandName: string): Buffer {
  return encodeResponse(STATUS_BAD_SERVICE, noServiceMessage(commandName));
}

/**
 * The 463 message: `Exception raised when calling service S. Exception: e `
 * (trailing space included); `e` is the error's message, as Python's `str(e)`.
 */
export function serviceExceptionMessage(serviceName: string, err: unknown): string {
  return `Exception raised when calling service ${serviceName}. Exception: ${errorMessageOf(err)} `;
}

/** The 463 response for a service that threw. */
export function serviceExceptionResponse(serviceName: string, err: unknown): Buffer {
  return encodeResponse(STATUS_EXCEPTION_RAISED, serviceExceptionMessage(serviceName, err));
}

/**
 * The 400 message: `Incorrectly marshalled command. Incoming message is no
 * proper json formatted string. Exception: e`.
 */
export function badSerializationMessage(err: unknown): string {
  return `Incorrectly marshalled command. Incoming message is no proper json formatted string. Exception: ${errorMessageOf(err)}`;
}

/** The 400 response for an undecodable request. */
export function badSerializationResponse(err: unknown): Buffer {
  return encodeResponse(STATUS_BAD_SERIALIZATION, badSerializationMessage(err));
}

/**
 * Decodes a response frame.
 *
 * @throws RpcProtocolError: `MALFORMED` (not UTF-8 JSON) or `BAD_SHAPE` (not
 *   an object, no integer `status_code`, non-string `status_message`).
 */
export function decodeResponse(frame: Uint8Array): PyzmqResponse {
  const text = decodeUtf8Frame(frame, 'response');
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (err) {
    throw new RpcProtocolError(`Marshalling error: Response is not a json message`, 'MALFORMED', { cause: err });
  }
  if (!isRecord(value)) throw new RpcProtocolError('response must be a JSON object', 'BAD_SHAPE');
  const statusCode = value['status_code'];
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode)) {
    throw new RpcProtocolError('No status_code in response', 'BAD_SHAPE');
  }
  const statusMessage = value['status_message'];
  if (statusMessage !== undefined && typeof statusMessage !== 'string') {
    throw new RpcProtocolError('status_message must be a string', 'BAD_SHAPE');
  }
  const hasResponseMessage = Object.prototype.hasOwnProperty.call(value, 'response_message');
  return { statusCode, statusMessage, hasResponseMessage, responseMessage: value['response_message'] };
}

/**
 * What the reference client returns for a response: the `response_message`
 * of a 200 (`undefined` when absent), or throws for any other status with the
 * status message (or `Error occurred with code N` when there is none).
 *
 * @throws RemoteCallError carrying `statusCode`.
 */
export function responseResult(response: PyzmqResponse): unknown {
  if (response.statusCode === STATUS_OK) return response.hasResponseMessage ? response.responseMessage : undefined;
  throw new RemoteCallError(response.statusMessage ?? `Error occurred with code ${response.statusCode}`, {
    statusCode: response.statusCode,
  });
}

/**
 * Base class of typed commands. A command class must be constructible with no
 * arguments; its state travels as JSON through {@link getCommandState} and
 * {@link setCommandState}. The wire name is the static `commandName` when
 * set, otherwise the class name (set `commandName` when code is minified).
 */
export abstract class Command<S = unknown> {
  /** Wire name override; the class name is used when absent. */
  static commandName?: string;

  /** The name this command travels under. */
  get commandName(): string {
    return commandNameOf(this.constructor as CommandClass);
  }

  /** The state to send (must be JSON-compatible). */
  abstract getCommandState(): S;

  /** Restores the state received from the wire. */
  abstract setCommandState(state: S): void;

  /** JSON form `{"_icmd_": [name, state]}`, so nested commands serialise as the reference does. */
  toJSON(): { [COMMAND_KEY]: [string, S] } {
    return { [COMMAND_KEY]: [this.commandName, this.getCommandState()] };
  }
}

/** A command class: a no-argument constructor of {@link Command} instances. */
export interface CommandClass<C extends Command = Command> {
  new (): C;
  /** The JS class name. */
  readonly name: string;
  /** Optional wire-name override. */
  readonly commandName?: string;
}

/** The wire name of a command class: its static `commandName`, else its class name. */
export function commandNameOf(ctor: CommandClass): string {
  return ctor.commandName ?? ctor.name;
}

/** Encodes a command instance as a request frame. */
export function encodeCommandObject(command: Command): Buffer {
  return encodeCommand(command.commandName, command.getCommandState());
}

/** An instance of a command class made by {@link defineCommand}: state fields readable as properties. */
export type RecordCommand<S extends Record<string, unknown>> = Command<S> & Readonly<S>;

/** A command class made by {@link defineCommand}. */
export interface RecordCommandClass<S extends Record<string, unknown>> {
  new (init?: Partial<S>): RecordCommand<S>;
  /** The wire name given to {@link defineCommand}. */
  readonly commandName: string;
  /** The field defaults given to {@link defineCommand}. */
  readonly defaults: Readonly<S>;
}

const RESERVED_FIELDS = new Set(['commandName', 'getCommandState', 'setCommandState', 'toJSON', 'constructor']);

/**
 * Defines a command class whose state is a record of named fields with
 * defaults (the usual shape of a pyzmqrpc3 command). The state is written
 * with the fields in the order of `defaults`; `setCommandState` takes missing
 * fields from the defaults and ignores unknown ones.
 *
 * ```ts
 * const SimpleCommand = defineCommand('SimpleCommand', { param1: '', param2: '' });
 * const cmd = new SimpleCommand({ param1: 'value1', param2: 'value2' });
 * ```
 *
 * @throws TypeError for a field named like a Command member.
 */
export function defineCommand<S extends Record<string, unknown>>(name: string, defaults: S): RecordCommandClass<S> {
  const keys = Object.keys(defaults);
  for (const k of keys) if (RESERVED_FIELDS.has(k)) throw new TypeError(`field name "${k}" is reserved`);
  const frozenDefaults = Object.freeze(structuredClone(defaults));

  class RecordCommandImpl extends Command<S> {
    static override commandName = name;
    static readonly defaults = frozenDefaults;
    #state: Record<string, unknown>;

    constructor(init: Partial<S> = {}) {
      super();
      this.#state = {};
      for (const k of keys) {
        this.#state[k] = Object.prototype.hasOwnProperty.call(init, k) ? init[k] : structuredClone(frozenDefaults[k]);
      }
    }

    getCommandState(): S {
      const out: Record<string, unknown> = {};
      for (const k of keys) out[k] = this.#state[k];
      return out as S;
    }

    setCommandState(state: S): void {
      if (!isRecord(state)) throw new TypeError(`state of command ${name} must be an object`);
      for (const k of keys) {
        this.#state[k] = Object.prototype.hasOwnProperty.call(state, k) ? state[k] : structuredClone(frozenDefaults[k]);
      }
    }

    /** Field access used by the generated property getters. */
    static fieldOf(cmd: RecordCommandImpl, k: string): unknown {
      return cmd.#state[k];
    }
  }
  for (const k of keys) {
    Object.defineProperty(RecordCommandImpl.prototype, k, {
      get(this: RecordCommandImpl) {
        return RecordCommandImpl.fieldOf(this, k);
      },
      enumerable: false,
      configurable: true,
    });
  }
  Object.defineProperty(RecordCommandImpl, 'name', { value: name });
  return RecordCommandImpl as unknown as RecordCommandClass<S>;
}

/**
 * Maps command wire names to command classes, and rebuilds commands from
 * frames (what the reference implementation's command database does).
 */
export class CommandRegistry {
  readonly #classes = new Map<string, CommandClass>();

  /**
   * Registers a command class under its wire name (or `name`). The class must
   * construct with no arguments and produce a {@link Command}.
   *
   * @throws Error for a duplicate name or a class that fails those checks.
   */
  register(ctor: CommandClass, name: string = commandNameOf(ctor)): this {
    if (this.#classes.has(name)) throw new Error(`command "${name}" is already registered`);
    let probe: unknown;
    try {
      probe = new ctor();
    } catch (err) {
      throw new Error(`command "${name}" does not have a default constructor`, { cause: err });
    }
    if (!(probe instanceof Command)) throw new Error(`command "${name}" has to extend Command`);
    this.#classes.set(name, ctor);
    return this;
  }

  /** The class registered under `name`, if any. */
  get(name: string): CommandClass | undefined {
    return this.#classes.get(name);
  }

  /** True when a class is registered under `name`. */
  has(name: string): boolean {
    return this.#classes.has(name);
  }

  /** All registered wire names, in registration order. */
  names(): string[] {
    return [...this.#classes.keys()];
  }

  /**
   * Builds a command: no-argument constructor, then `setCommandState(state)`.
   *
   * @throws RpcProtocolError: `UNKNOWN_COMMAND` for an unregistered name,
   *   `BAD_SHAPE` when the constructor or `setCommandState` throws (error in `cause`).
   */
  create(name: string, state: unknown): Command {
    const ctor = this.#classes.get(name);
    if (ctor === undefined) throw new RpcProtocolError(`unknown command "${name}"`, 'UNKNOWN_COMMAND');
    try {
      const cmd = new ctor();
      cmd.setCommandState(state);
      return cmd;
    } catch (err) {
      throw new RpcProtocolError(`invalid state for command "${name}": ${errorMessageOf(err)}`, 'BAD_SHAPE', { cause: err });
    }
  }

  /**
   * Replaces, bottom-up, every `{"_icmd_": [name, state]}` object inside a
   * decoded JSON value by the command it describes (as Python's JSON object hook does).
   *
   * @throws RpcProtocolError (`UNKNOWN_COMMAND`).
   */
  revive(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.revive(v));
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      Object.defineProperty(out, k, { value: this.revive(value[k]), writable: true, enumerable: true, configurable: true });
    }
    const msg = asCommandMessage(out);
    return msg === undefined ? out : this.create(msg.name, msg.state);
  }

  /**
   * Decodes a request frame into a command instance (nested commands rebuilt too).
   *
   * @throws RpcProtocolError as {@link decodeCommand} does, or `UNKNOWN_COMMAND`.
   */
  decode(frame: Uint8Array, options: DecodeCommandOptions = {}): Command {
    const { name, state } = decodeCommand(frame, options);
    return this.create(name, this.revive(state));
  }
}
