/**
 * Manley's zerorpc JSON protocol on the server side: one JSON frame holding a
 * list of calls `[[name, [args], {kwargs}], ...]`, run in order, answered by
 * an index-aligned list of `{"success": ...}` entries. JavaScript has no
 * keyword arguments: non-empty kwargs are passed as one extra, last argument.
 * A request that cannot be read gets a one-entry list with error_type
 * `ProtocolError` (the reference would not answer it).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { errorMessageOf } from "./codec/errors.js";
import * as manley from "./codec/manley.js";
import { invokeMethod } from "./invoke.js";
import type { MethodRegistry } from "./registry.js";
import type { RequestHandler } from "./request-service.js";
import { BUSY_MESSAGE } from "./luaovermq-handler.js";

/** Answers Manley zerorpc requests from a {@link MethodRegistry}. */
export class ManleyHandler implements RequestHandler {
  /**
   * @param registry - the methods to serve.
   * @param style - JSON byte layout of responses (default `compact`, as the reference's ujson).
   */
  constructor(
    private readonly registry: MethodRegistry,
    private readonly style: manley.JsonStyle = "compact",
  ) {}

  async handle(body: Buffer[]): Promise<Buffer[]> {
    let calls: manley.ManleyCall[];
    try {
      if (body.length !== 1) throw new Error(`request must be one frame, got ${body.length}`);
      calls = manley.decodeRequest(body[0]!);
    } catch (err) {
      return [this.encode([failure("ProtocolError", errorMessageOf(err))])];
    }
    const entries: manley.ManleyEntry[] = [];
    for (const call of calls) {
      const args = Object.keys(call.kwargs).length > 0 ? [...call.args, call.kwargs] : call.args;
      const outcome = await invokeMethod(this.registry, call.name, args);
      entries.push(
        outcome.ok ? manley.resultEntry(outcome.value) : outcome.notFound ? manley.notFoundEntry(call.name) : manley.errorEntry(outcome.error),
      );
    }
    return [this.encode(entries)];
  }

  busy(body: Buffer[]): Buffer[] {
    let count = 1;
    try {
      count = manley.decodeRequest(body[0]!).length || 1;
    } catch {
      /* one entry then */
    }
    return [this.encode(Array.from({ length: count }, () => failure("ServerBusy", BUSY_MESSAGE)))];
  }

  /** Encodes the response; an entry whose result JSON cannot carry becomes an error entry. */
  private encode(entries: manley.ManleyEntry[]): Buffer {
    try {
      return manley.encodeResponse(entries, { style: this.style });
    } catch {
      const safe = entries.map((e) => {
        try {
          manley.encodeResponse([e], { style: this.style });
          return e;
        } catch (err) {
          return failure("TypeError", `result cannot be sent as JSON: ${errorMessageOf(err)}`);
        }
      });
      return manley.encodeResponse(safe, { style: this.style });
    }
  }
}

function failure(errorType: string, message: string): manley.ManleyErrorEntry {
  return { success: false, error_type: errorType, message, traceback: "" };
}
