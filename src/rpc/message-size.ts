/**
 * Default size bounds of the messages a peer sends to purezmq's RPC sockets,
 * applied as the socket's `maxMessageSize` unless the application sets one
 * (`socket: { maxMessageSize }`, -1 for none): without them one message
 * announced as a terabyte is buffered until memory runs out.
 *
 * @module
 */

/** Largest request (servers) or publication (subscribers) accepted by default: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Largest reply a client accepts by default: 32 MiB, room for a batch
 * reply at its default bound (`maxBatchReplyBytes`, 16 MiB of results)
 * with its framing. A larger reply ends the connection it came on; the
 * call then fails at its timeout.
 */
export const DEFAULT_MAX_REPLY_BYTES = 32 * 1024 * 1024;

/** Socket options with `maxMessageSize` defaulting to `bytes`. */
export function withMaxMessageSize(bytes: number, socket: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  return { maxMessageSize: bytes, ...socket };
}
