/**
 * The receive loop of an RPC socket that connects (the protocols' clients,
 * zerorpc's pullers and subscribers): deliver each message until the socket
 * closes, and stop when the peer refused the handshake.
 *
 * @module
 */
import { RECEIVE_NOW } from "../zmtp/message.js";
import type { Message } from "../zmtp/pipe.js";
import { isAuthError } from "./errors.js";

/** What the loop reads from: a socket that receives messages. */
export interface ReceivingSocket {
  receive(): Promise<Message>;
  /** A message already queued, without a promise (every socket of this package has it). */
  [RECEIVE_NOW](): Message | undefined;
  readonly closed: boolean;
}

/**
 * Reads `socket` until it closes, handing each message to `deliver` (and
 * waiting for it when it returns a promise: one message at a time). A
 * refused socket stays refused, so each receive would fail at once and the
 * loop would spin without ever yielding to timers: it ends after telling
 * `refused`. Other receive errors are pattern-level and the next message
 * is independent.
 */
export async function readReplies(
  socket: ReceivingSocket,
  deliver: (msg: Message) => void | Promise<void>,
  refused: (err: Error) => void,
): Promise<void> {
  for (;;) {
    let msg: Message;
    try {
      msg = await socket.receive();
    } catch (err) {
      if (socket.closed) return;
      if (isAuthError(err)) {
        refused(err as Error);
        return;
      }
      continue;
    }
    // No await for a synchronous deliver: a reply costs no extra turn. The
    // replies that came with this one (calls in flight) are taken at once;
    // a refusal there is met again by the receive() above.
    for (let next: Message | undefined = msg; next !== undefined; next = takeQueued(socket)) {
      const pending = deliver(next);
      if (pending !== undefined) await pending;
    }
  }
}

/**
 * A message already queued on `socket`, if any (none once it is closed or
 * refuses: the caller's next receive() meets the refusal). For loops that
 * have just awaited one message and take those that came with it.
 */
export function takeQueued(socket: ReceivingSocket): Message | undefined {
  if (socket.closed) return undefined;
  try {
    return socket[RECEIVE_NOW]();
  } catch {
    return undefined;
  }
}
