/**
 * The receiving end of the throughput cases, wherever it runs (a worker
 * process, a worker thread, the sending thread itself): counts messages
 * whose last part has `size` octets; a one-octet "w" reports "warm" and
 * restarts the count, a one-octet "e" reports "done" with the count.
 */
import type { WorkerMessage } from "./mailbox.js";
import type { BenchSocket } from "./sockets.js";

/** One-octet markers of the sink protocol: warm-up over, round over. */
export const WARM = 0x77;
export const END = 0x65;

/** Counts what `sock` receives into reports through `post`; ends when `sock` closes. */
export async function countInto(sock: BenchSocket, size: number, post: (m: WorkerMessage) => void): Promise<void> {
  let count = 0;
  for await (const msg of sock) {
    const body = msg[msg.length - 1]!;
    if (body.length === size) {
      count++;
    } else if (body.length === 1 && body[0] === WARM) {
      post({ type: "warm" });
      count = 0;
    } else if (body.length === 1 && body[0] === END) {
      post({ type: "done", count });
      count = 0;
    }
  }
}
