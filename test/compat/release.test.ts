/**
 * Differential: a socket closed while it was still dialing is garbage at
 * once, with its Context (zeromq.js's own "should release reference to
 * context"): nothing of a dial abandoned by close() may keep them until
 * the connection's handle is closed in a later turn of the event loop.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { same } from "./differential.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as (options: { type: "major"; execution: "async" }) => Promise<void>;

same("a socket closed while dialing tcp, ipc and inproc frees its Context at once", async (zmq) => {
  const released: Record<string, boolean> = {};
  const nobody = { tcp: "tcp://127.0.0.1:1", ipc: `ipc://${join(tmpdir(), `purezmq-nobody-${process.pid}.sock`)}`, inproc: "inproc://nobody-here" };
  for (const [transport, address] of Object.entries(nobody)) {
    let context: WeakRef<object> | undefined;
    await (async () => {
      const ctx = new zmq.Context();
      const socket = new zmq.Dealer({ context: ctx, linger: 0 });
      context = new WeakRef(ctx);
      socket.connect(address);
      await socket.send("queued");
      socket.close();
    })();
    await gc({ type: "major", execution: "async" });
    released[transport] = context!.deref() === undefined;
  }
  return released;
}, { tcp: true, ipc: true, inproc: true });
