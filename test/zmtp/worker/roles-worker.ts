/**
 * A worker of the worker_threads tests playing one role, told by
 * workerData; it reports to the main thread through its parent port.
 * - "slow-pull": binds a PULL (receive HWM 10), says "bound", waits for
 *   "go", then reads `count` messages and posts their texts.
 * - "sub": connects a SUB to `name`, subscribes to "t", posts the first
 *   three messages it gets.
 * - "count-pull": binds a PULL with receive HWM `hwm`, says "bound", reads
 *   `count` messages and posts how many arrived in order (`m0`, `m1`...);
 *   with `unlimitAfter`, sets its receive HWM to 0 (no limit) once that
 *   many have arrived, with the link made under the old mark.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Pull, Subscriber } from "../../../src/index.js";

const { role, name, hwm, count, unlimitAfter } = workerData as { role: "slow-pull" | "sub" | "count-pull"; name: string; hwm?: number; count?: number; unlimitAfter?: number };
const port = parentPort!;

if (role === "slow-pull") {
  const pull = new Pull({ receiveHighWaterMark: 10 });
  await pull.bind(name);
  port.postMessage("bound");
  const count = await new Promise<number>((resolve) => port.once("message", (m: { go: number }) => resolve(m.go)));
  const got: string[] = [];
  for (let i = 0; i < count; i++) got.push(String((await pull.receive())[0]));
  port.postMessage(got);
  pull.close();
} else if (role === "count-pull") {
  const pull = new Pull({ receiveHighWaterMark: hwm! });
  await pull.bind(name);
  port.postMessage("bound");
  let inOrder = 0;
  for (let i = 0; i < count!; i++) {
    if (String((await pull.receive())[0]) === `m${i}`) inOrder++;
    if (i + 1 === unlimitAfter) pull.receiveHighWaterMark = 0;
  }
  port.postMessage(inOrder);
  pull.close();
} else {
  const sub = new Subscriber();
  sub.connect(name);
  sub.subscribe("t");
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await sub.receive()).map(String).join("|"));
  port.postMessage(got);
  sub.close();
}
