/**
 * The LuaOverMQ protocol on the server side (the default): one msgpack frame
 * `[method, ...args]` in, `OK`/`ERROR` + msgpack out, with the exact error
 * texts of the reference server, plus an answer for what the reference never
 * answers (malformed msgpack, wrong frame count, unencodable results).
 *
 * Batches travel as the reserved method `rpc.multicall` with ONE argument,
 * `[[method, [args...]], ...]`; calls run in order, one after another, and
 * the reply is `OK` + `[[true, value] | [false, errorText], ...]`, index
 * aligned (`errorText` formatted as any `ERROR` reply text). Batches are
 * bounded in length and reply size (see `batch-limits.ts`), and count as
 * their calls against the server's waiting bounds.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { BatchReplyBudget, batchLimits, tooManyCallsText, type BatchLimits } from "../batch-limits.js";
import { RpcProtocolError, errorMessageOf } from "../codec/errors.js";
import * as lua from "./codec.js";
import { MULTICALL_METHOD, invokeMethod, invokeNow, type CallOutcome } from "../invoke.js";
import type { MethodDescription, MethodRegistry } from "../registry.js";
import { BUSY_MESSAGE, type RequestHandler } from "../request-service.js";

/** Introspection entry of the reserved batch method. */
export const MULTICALL_DESCRIPTION: MethodDescription = {
  name: MULTICALL_METHOD,
  arity: 1,
  doc: "Runs [[method, [args...]], ...] in order; returns [[true, value] | [false, error], ...].",
};

/** Answers LuaOverMQ requests from a {@link MethodRegistry}. */
export class LuaOverMqHandler implements RequestHandler {
  /**
   * @param registry - the methods to serve.
   * @param limits - bounds of `rpc.multicall` batches.
   */
  constructor(
    private readonly registry: MethodRegistry,
    private readonly limits: BatchLimits = batchLimits(),
  ) {}

  handle(body: Buffer[]): Buffer[] | Promise<Buffer[]> {
    if (body.length !== 1) return lua.encodeErrorReply(`request must be one frame, got ${body.length}`);
    let request: lua.LuaRequest;
    try {
      request = lua.decodeRequest(body[0]!);
    } catch (err) {
      return lua.encodeErrorReply(errorMessageOf(err));
    }
    const { method, args } = request;
    if (method === MULTICALL_METHOD) return this.multicall(args);
    // A handler that returns a plain value is answered in this turn.
    const outcome = invokeNow(this.registry, method, args, [MULTICALL_DESCRIPTION]);
    return outcome instanceof Promise ? outcome.then((o) => replyOf(method, o)) : replyOf(method, outcome);
  }

  weight(body: Buffer[]): number {
    return body.length === 1 ? lua.countRequestCalls(body[0]!, MULTICALL_METHOD) : 1;
  }

  busy(): Buffer[] {
    return lua.encodeErrorReply(BUSY_MESSAGE);
  }

  private async multicall(args: unknown[]): Promise<Buffer[]> {
    const calls = args[0];
    if (args.length !== 1 || !Array.isArray(calls)) {
      return lua.encodeErrorReply(`${MULTICALL_METHOD} takes one argument: [[method, [args...]], ...]`);
    }
    if (calls.length > this.limits.maxBatchCalls) return lua.encodeErrorReply(tooManyCallsText(calls.length, this.limits));
    const budget = new BatchReplyBudget(this.limits);
    const entries: Buffer[] = [];
    for (let i = 0; i < calls.length; i++) {
      if (budget.exhausted) {
        entries.push(lua.encodeValue([false, budget.notRunText(i)]));
        continue;
      }
      const entry = await this.runEntry(calls[i], i);
      entries.push(budget.take(entry.length) ? entry : lua.encodeValue([false, budget.droppedText(i)]));
    }
    return [lua.STATUS_OK_FRAME, lua.encodeArrayOfEncoded(entries)];
  }

  /** Runs entry `i` of a batch; returns its encoded `[true, value]` or `[false, errorText]`. */
  private async runEntry(call: unknown, i: number): Promise<Buffer> {
    if (!Array.isArray(call) || typeof call[0] !== "string" || (call.length > 1 && !Array.isArray(call[1]))) {
      return lua.encodeValue([false, `${MULTICALL_METHOD} entry ${i} must be [method, [args...]]`]);
    }
    const method = call[0];
    if (method === MULTICALL_METHOD) return lua.encodeValue([false, `${MULTICALL_METHOD} cannot be nested`]);
    const outcome = await invokeMethod(this.registry, method, (call[1] as unknown[] | undefined) ?? [], [MULTICALL_DESCRIPTION]);
    if (!outcome.ok) return lua.encodeValue([false, errorText(method, outcome)]);
    try {
      return lua.encodeValue([true, outcome.value]);
    } catch (err) {
      return lua.encodeValue([false, unencodableText(method, err)]);
    }
  }
}

/** The reply frames of a call's outcome. */
function replyOf(method: string, outcome: CallOutcome): Buffer[] {
  if (!outcome.ok) return lua.encodeErrorReply(errorText(method, outcome));
  try {
    return lua.encodeReply(outcome.value);
  } catch (err) {
    return lua.encodeErrorReply(unencodableText(method, err));
  }
}

function errorText(method: string, outcome: Exclude<CallOutcome, { ok: true }>): string {
  return outcome.notFound ? lua.functionNotFoundMessage(method) : lua.formatRemoteError(outcome.error);
}

function unencodableText(method: string, err: unknown): string {
  return lua.formatRemoteError(new RpcProtocolError(`the result of '${method}' cannot be sent: ${errorMessageOf(err)}`, "UNENCODABLE"));
}
