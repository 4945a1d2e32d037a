/**
 * Pipeline: a PUSH socket deals tasks round-robin to two worker threads,
 * which PUSH their results to one PULL socket. inproc:// names are shared
 * by every thread of the process, so the workers connect to sockets bound
 * here without any network. This one file is both the main program and,
 * run as a worker_thread, the worker.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/pipeline.js
 */
import { once } from "node:events";
import { Worker, isMainThread, workerData } from "node:worker_threads";
import { Pull, Push } from "purezmq";

const TASKS = "inproc://pipeline-tasks";
const RESULTS = "inproc://pipeline-results";

if (isMainThread) {
  const tasks = new Push();
  const results = new Pull();
  await tasks.bind(TASKS);
  await results.bind(RESULTS);
  // Round-robin is over the workers linked so far: wait for both links.
  let linked = 0;
  const bothLinked = new Promise<void>((resolve) => tasks.events.on("handshake", () => ++linked === 2 && resolve()));
  const workers = ["A", "B"].map((name) => new Worker(new URL(import.meta.url), { workerData: name }));
  const exited = workers.map((w) => once(w, "exit"));
  await bothLinked;

  for (let n = 1; n <= 6; n++) await tasks.send(String(n));
  let total = 0;
  for (let i = 0; i < 6; i++) {
    const [worker, n, square] = await results.receive();
    console.log(`worker ${worker}: ${n}^2 = ${square}`);
    total += Number(square);
  }
  console.log(`sum of squares: ${total}`); // 91

  // One "stop" each: round-robin gives one to each worker.
  await tasks.send("stop");
  await tasks.send("stop");
  await Promise.all(exited);
  tasks.close();
  results.close();
} else {
  const tasks = new Pull();
  const results = new Push();
  tasks.connect(TASKS);
  results.connect(RESULTS);
  for await (const [task] of tasks) {
    const text = task!.toString();
    if (text === "stop") break;
    const n = Number(text);
    await results.send([workerData as string, text, String(n * n)]);
  }
  // Closing lets the worker's event loop, and so the thread, end.
  tasks.close();
  results.close();
}
