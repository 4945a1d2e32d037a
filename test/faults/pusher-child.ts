/**
 * A child process for the fault tests: connects a PUSH socket to the
 * endpoint given as argument and streams self-checking messages (a
 * sequence number, then 64 KiB of octets derived from it) until killed.
 */
import { pathToFileURL } from "node:url";
import { Push } from "../../src/index.js";

/** The body of message `seq`: every octet derived from it, so a torn message shows. */
export function payloadOf(seq: number): Buffer {
  return Buffer.alloc(64 * 1024, seq & 0xff);
}

async function main(endpoint: string): Promise<void> {
  const push = new Push({ sendHighWaterMark: 100 });
  push.connect(endpoint);
  for (let seq = 0; ; seq++) {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(seq);
    await push.send([head, payloadOf(seq)]);
    if (seq === 0) process.stdout.write("streaming\n");
  }
}

// Streams only when run as a program; the tests import payloadOf from it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv[2]!);
