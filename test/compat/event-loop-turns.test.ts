/**
 * Differential: a loop of awaited sends that queue at once, or of receives
 * that find their message queued, must not hold the thread. zeromq.js makes
 * one in 512 such calls wait for the event loop; purezmq counts calls and
 * octets per turn of the loop. Either way the loop comes round several
 * times during 2,500 of them, over each transport.
 *
 * Turns are counted, not timer firings (zeromq.js's own test counts a 0 ms
 * interval): a timer fires on a turn only once its millisecond has passed,
 * so how often it fires measures how slow each call is, where a turn of
 * the loop is what the calls owe the other work of the thread.
 */
import { same, type Zmq } from "./differential.js";

/** How many turns of the event loop (check phases) pass while `work` runs. */
async function loopTurns(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let done = false;
  const turn = (): void => {
    if (done) return;
    turns++;
    setImmediate(turn);
  };
  await new Promise((resolve) => setImmediate(resolve));
  setImmediate(turn);
  await work();
  done = true;
  return turns;
}

async function turnsOver(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, address: string): Promise<Record<string, boolean>> {
  const a = closing(new zmq.Pair({ linger: 0, sendHighWaterMark: 5000 }));
  const b = closing(new zmq.Pair({ linger: 0, receiveHighWaterMark: 5000 }));
  await b.bind(address);
  a.connect(b.lastEndpoint ?? address);
  // Sent first, so that the receives below all find their message queued.
  const sending = await loopTurns(async () => {
    for (let i = 0; i < 2500; i++) await a.send("x");
  });
  await b.receive();
  const receiving = await loopTurns(async () => {
    for (let i = 1; i < 2500; i++) await b.receive();
  });
  return { sendingYields: sending >= 3, receivingYields: receiving >= 3 };
}

for (const transport of ["tcp", "ipc", "inproc"] as const) {
  same(`2,500 awaited sends and receives that complete at once let the event loop turn (${transport})`, (zmq, { closing }) => {
    const address = transport === "tcp" ? "tcp://127.0.0.1:*"
      : transport === "ipc" ? `ipc:///tmp/purezmq-turns-${process.pid}.ipc`
      : "inproc://event-loop-turns";
    return turnsOver(zmq, closing, address);
  }, { sendingYields: true, receivingYields: true });
}
