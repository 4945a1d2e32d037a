/**
 * Differential: a socket closed with messages queued while its connection
 * is still being made, or still in its handshake, delivers them within its
 * linger, as libzmq does (purezmq dropped them when close() came between
 * the TCP connect and the end of the handshake).
 */
import { eventsUntil, same, type Zmq } from "./differential.js";
import { ipcTestPath } from "../support/ipc-path.js";

type Moment = "at once" | "at connect" | "at the server's handshake";

/** What a PULL receives of "a" and "b" from a PUSH closed (linger 1000) at `moment`. */
async function delivered(zmq: Zmq, closing: <S extends { close(): void }>(s: S) => S, address: string, moment: Moment): Promise<string[]> {
  const pull = closing(new zmq.Pull({ linger: 0 }));
  await pull.bind(address);
  const push = new zmq.Push({ linger: 1000 });
  const ready = moment === "at connect" ? eventsUntil(push, "connect") : moment === "at the server's handshake" ? eventsUntil(pull, "handshake") : undefined;
  push.connect(pull.lastEndpoint!);
  await push.send("a");
  await push.send("b");
  await ready;
  push.close();
  const got: string[] = [];
  for (const _ of ["a", "b"]) {
    let timer: NodeJS.Timeout | undefined;
    const none = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("none"), 3000)));
    const next = await Promise.race([pull.receive().then((msg) => String(msg[0])), none]);
    clearTimeout(timer);
    got.push(next);
    if (next === "none") break;
  }
  return got;
}

for (const moment of ["at once", "at connect", "at the server's handshake"] as const) {
  same(`close() ${moment} with linger delivers what was queued (tcp, ipc)`, async (zmq, { closing }) => ({
    tcp: await delivered(zmq, closing, "tcp://127.0.0.1:*", moment),
    ipc: await delivered(zmq, closing, `ipc://${ipcTestPath("mid-handshake")}`, moment),
  }), { tcp: ["a", "b"], ipc: ["a", "b"] });
}
