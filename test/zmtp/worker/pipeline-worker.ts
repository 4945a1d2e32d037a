/**
 * A worker of the worker_threads tests: pulls tasks from the main thread
 * over inproc, squares the number in each, and pushes the result back with
 * its worker id. A task "stop" ends it.
 */
import { workerData } from "node:worker_threads";
import { Pull, Push } from "../../../src/index.js";

const { tasks, results, id } = workerData as { tasks: string; results: string; id: number };
const pull = new Pull();
const push = new Push();
pull.connect(tasks);
push.connect(results);
try {
  for await (const [task] of pull) {
    if (task!.toString() === "stop") break;
    const n = task!.readUInt32BE(0);
    const out = Buffer.alloc(12);
    out.writeUInt32BE(n, 0);
    out.writeBigUInt64BE(BigInt(n) * BigInt(n), 4);
    await push.send([out, String(id)]);
  }
} finally {
  pull.close();
  push.close();
}
