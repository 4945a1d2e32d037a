/**
 * The v5 API's `proxy(frontend, backend, capture)`: forwards every message
 * between two v5 sockets with `message` listeners. The optional capture
 * socket gets a copy of what goes from the backend to the frontend.
 */
import type { MessageLike } from "../zmtp/message.js";
import type { Socket } from "./socket.js";

/**
 * The pairs of types a v5 proxy joins, and how many leading parts (the
 * ROUTER's envelope) the capture socket does not get.
 */
const ENVELOPE_PARTS: Readonly<Record<string, number>> = {
  "push/pull": 0,
  "pull/push": 0,
  "xpub/xsub": 0,
  "router/dealer": 2,
  "xrep/xreq": 2,
};

/**
 * Forwards messages from `frontend` to `backend` and back; `capture`, if
 * given, also gets each message from `backend` (without the envelope for
 * router/dealer).
 * @throws Error for a pair of types the v5 proxy does not join.
 */
export function proxy(frontend: Socket, backend: Socket, capture?: Socket): void {
  const skip = ENVELOPE_PARTS[`${frontend.type}/${backend.type}`];
  if (skip === undefined) throw new Error("This socket type order is not supported in compatibility mode");
  frontend.on("message", (...parts: MessageLike[]) => {
    backend.send(parts);
  });
  backend.on("message", (...parts: MessageLike[]) => {
    frontend.send(parts);
    capture?.send(parts.slice(skip));
  });
}
