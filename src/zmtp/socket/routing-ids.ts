/**
 * The routing ids a socket makes up for its peers, as libzmq does: a
 * uint32 counter from a random start, so that ids of a restarted socket
 * are unlikely to meet the old ones. ROUTER and STREAM use it as 5 octets
 * (`00` then the counter, a form an application's own ids may not take),
 * SERVER as the number itself (never 0).
 */
import { Buffer } from "node:buffer";

/** Makes routing ids not yet in use. */
export class RoutingIdCounter {
  private next = (Math.random() * 0xffffffff) >>> 0;

  /** A 5-octet id, `00` + uint32 BE, for which `taken` (by its latin1 form) is false. */
  freshBytes(taken: (key: string) => boolean): Buffer {
    let id: Buffer;
    do {
      // Not a slice of Node's shared pool: an id lives as long as its
      // connection, and a slice would keep a whole 8 KiB slab alive with it.
      id = Buffer.allocUnsafeSlow(5);
      id[0] = 0;
      id.writeUInt32BE(this.freshNumber(() => false), 1);
    } while (taken(id.toString("latin1")));
    return id;
  }

  /** A non-zero uint32 for which `taken` is false. */
  freshNumber(taken: (id: number) => boolean): number {
    let id: number;
    do {
      id = this.next;
      this.next = (this.next + 1) >>> 0;
    } while (id === 0 || taken(id));
    return id;
  }
}
