/**
 * Bounds of one batch request on the server (`rpc.multicall`, Manley's
 * MultiCall): a batch is N calls for the price of one request, so its length
 * and the size of its reply are bounded, or a few kilobytes of
 * `[["rpc.methods"], ...]` would make the server build a reply of hundreds
 * of megabytes.
 *
 * At `maxBatchCalls` the whole request is refused with an error before any
 * call runs. At `maxBatchReplyBytes` the entry whose encoded result crosses
 * the bound has its result dropped (the call did run) and the later calls
 * are not run; both get an error entry saying so, so the reply stays index
 * aligned and small.
 *
 * @module
 */

/** Options bounding batches; part of the server options. */
export interface BatchLimitOptions {
  /** Calls one batch request may carry (default {@link DEFAULT_MAX_BATCH_CALLS}). */
  readonly maxBatchCalls?: number;
  /** Octets of encoded results one batch reply may carry (default {@link DEFAULT_MAX_BATCH_REPLY_BYTES}). */
  readonly maxBatchReplyBytes?: number;
}

/** Default of {@link BatchLimitOptions.maxBatchCalls}. */
export const DEFAULT_MAX_BATCH_CALLS = 1000;
/** Default of {@link BatchLimitOptions.maxBatchReplyBytes}: 16 MiB. */
export const DEFAULT_MAX_BATCH_REPLY_BYTES = 16 * 1024 * 1024;

/** The bounds with their defaults applied. */
export interface BatchLimits {
  readonly maxBatchCalls: number;
  readonly maxBatchReplyBytes: number;
}

/**
 * Applies the defaults and checks the values.
 *
 * @throws RangeError for a bound below 1.
 */
export function batchLimits(options: BatchLimitOptions = {}): BatchLimits {
  const maxBatchCalls = options.maxBatchCalls ?? DEFAULT_MAX_BATCH_CALLS;
  const maxBatchReplyBytes = options.maxBatchReplyBytes ?? DEFAULT_MAX_BATCH_REPLY_BYTES;
  if (!(maxBatchCalls >= 1)) throw new RangeError("maxBatchCalls must be at least 1");
  if (!(maxBatchReplyBytes >= 1)) throw new RangeError("maxBatchReplyBytes must be at least 1");
  return { maxBatchCalls, maxBatchReplyBytes };
}

/** The error text of a batch longer than `maxBatchCalls`. */
export function tooManyCallsText(count: number, limits: BatchLimits): string {
  return `batch of ${count} calls refused: at most ${limits.maxBatchCalls} calls per batch (maxBatchCalls)`;
}

/**
 * Counts the octets of a batch reply as its entries are encoded, and says
 * which entries still fit.
 */
export class BatchReplyBudget {
  #bytes = 0;
  #exhausted = false;

  /** @param limits - the bounds in force. */
  constructor(private readonly limits: BatchLimits) {}

  /** True once an entry crossed the bound: later calls are not run. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /**
   * Takes an encoded entry of `size` octets; false (and the budget is
   * exhausted from now on) when it does not fit.
   */
  take(size: number): boolean {
    if (this.#exhausted || this.#bytes + size > this.limits.maxBatchReplyBytes) {
      this.#exhausted = true;
      return false;
    }
    this.#bytes += size;
    return true;
  }

  /** Text of the entry whose result crossed the bound. */
  droppedText(index: number): string {
    return `result of batch entry ${index} dropped: the batch reply reached its bound of ${this.limits.maxBatchReplyBytes} octets (maxBatchReplyBytes)`;
  }

  /** Text of an entry not run because the bound was reached before it. */
  notRunText(index: number): string {
    return `batch entry ${index} not run: the batch reply reached its bound of ${this.limits.maxBatchReplyBytes} octets (maxBatchReplyBytes)`;
  }
}
