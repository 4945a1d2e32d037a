/**
 * Manley's zerorpc JSON protocol on the server side: one JSON frame holding a
 * list of calls `[[name, [args], {kwargs}], ...]`, run in order, answered by
 * an index-aligned list of `{"success": ...}` entries. JavaScript has no
 * keyword arguments: non-empty kwargs are passed as one extra, last argument.
 * A request that cannot be read gets a one-entry list with error_type
 * `ProtocolError` (the reference would not answer it), as does a batch
 * beyond `maxBatchCalls`; the reply size is bounded too (`batch-limits.ts`).
 * A MultiCall counts as its calls against the server's waiting bounds.
 * Tracebacks are sent only when the server is told to.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { errorMessageOf } from "../codec/errors.js";
import * as manley from "./codec.js";
import { BatchReplyBudget, batchLimits, tooManyCallsText, type BatchLimits } from "../batch-limits.js";
import { invokeMethod } from "../invoke.js";
import type { MethodRegistry } from "../registry.js";
import { BUSY_MESSAGE, type RequestHandler } from "../request-service.js";

/** Options of {@link ManleyHandler}. */
export interface ManleyHandlerOptions {
  /** JSON byte layout of responses (default `compact`, as the reference's ujson). */
  readonly style?: manley.JsonStyle;
  /** Send the handler's stack as `traceback` (default false: it reveals the server's file paths). */
  readonly tracebacks?: boolean;
  /** Bounds of MultiCall batches. */
  readonly limits?: BatchLimits;
}

/** Answers Manley zerorpc requests from a {@link MethodRegistry}. */
export class ManleyHandler implements RequestHandler {
  readonly #style: manley.JsonStyle;
  readonly #tracebacks: boolean;
  readonly #limits: BatchLimits;

  /**
   * @param registry - the methods to serve.
   * @param options - response layout, tracebacks, batch bounds.
   */
  constructor(
    private readonly registry: MethodRegistry,
    options: ManleyHandlerOptions = {},
  ) {
    this.#style = options.style ?? "compact";
    this.#tracebacks = options.tracebacks ?? false;
    this.#limits = options.limits ?? batchLimits();
  }

  async handle(body: Buffer[]): Promise<Buffer[]> {
    let calls: manley.ManleyCall[];
    try {
      if (body.length !== 1) throw new Error(`request must be one frame, got ${body.length}`);
      calls = manley.decodeRequest(body[0]!);
    } catch (err) {
      return [this.single(failure("ProtocolError", errorMessageOf(err)))];
    }
    if (calls.length > this.#limits.maxBatchCalls) return [this.single(failure("ProtocolError", tooManyCallsText(calls.length, this.#limits)))];
    const budget = new BatchReplyBudget(this.#limits);
    const encoded: Buffer[] = [];
    for (let i = 0; i < calls.length; i++) {
      if (budget.exhausted) {
        encoded.push(this.encode(failure("BatchReplyTooLarge", budget.notRunText(i))));
        continue;
      }
      const entry = this.encode(await this.run(calls[i]!));
      encoded.push(budget.take(entry.length) ? entry : this.encode(failure("BatchReplyTooLarge", budget.droppedText(i))));
    }
    return [manley.joinResponse(encoded, { style: this.#style })];
  }

  weight(body: Buffer[]): number {
    return body.length === 1 ? manley.countRequestCalls(body[0]!) : 1;
  }

  busy(body: Buffer[]): Buffer[] {
    // Counted, not parsed: a refusal costs a scan of the octets, not a decoding of them.
    let count = this.weight(body);
    // One entry per call keeps the reply aligned; a batch beyond the bound gets one, as it would when served.
    if (count > this.#limits.maxBatchCalls) count = 1;
    const entry = this.encode(failure("ServerBusy", BUSY_MESSAGE));
    return [manley.joinResponse(Array.from({ length: count }, () => entry), { style: this.#style })];
  }

  private async run(call: manley.ManleyCall): Promise<manley.ManleyEntry> {
    const args = Object.keys(call.kwargs).length > 0 ? [...call.args, call.kwargs] : call.args;
    const outcome = await invokeMethod(this.registry, call.name, args);
    if (outcome.ok) return manley.resultEntry(outcome.value);
    return outcome.notFound ? manley.notFoundEntry(call.name) : manley.errorEntry(outcome.error, this.#tracebacks);
  }

  private single(entry: manley.ManleyEntry): Buffer {
    return manley.joinResponse([this.encode(entry)], { style: this.#style });
  }

  /** Encodes one entry; a result JSON cannot carry becomes an error entry. */
  private encode(entry: manley.ManleyEntry): Buffer {
    try {
      return manley.encodeEntry(entry, { style: this.#style });
    } catch (err) {
      return manley.encodeEntry(failure("TypeError", `result cannot be sent as JSON: ${errorMessageOf(err)}`), { style: this.#style });
    }
  }
}

function failure(errorType: string, message: string): manley.ManleyErrorEntry {
  return { success: false, error_type: errorType, message, traceback: "" };
}
