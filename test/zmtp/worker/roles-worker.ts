/**
 * A worker of the worker_threads tests playing one role, told by
 * workerData; it reports to the main thread through its parent port.
 * - "slow-pull": binds a PULL (receive HWM 10), says "bound", waits for
 *   "go", then reads `count` messages and posts their texts.
 * - "sub": connects a SUB to `name`, subscribes to "t", posts the first
 *   three messages it gets.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Pull, Subscriber } from "../../../src/index.js";

const { role, name } = workerData as { role: "slow-pull" | "sub"; name: string };
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
} else {
  const sub = new Subscriber();
  sub.connect(name);
  sub.subscribe("t");
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await sub.receive()).map(String).join("|"));
  port.postMessage(got);
  sub.close();
}
