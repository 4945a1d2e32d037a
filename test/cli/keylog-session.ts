/**
 * A traced CURVE session for the key log tests: a purezmq CURVE REP
 * (which logs when the key log is on) reached through the tracer's relay,
 * whose taps open MESSAGEs with a keylog file (or none), and two
 * request-reply round trips by a client the test chooses.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import { Reply, Request, curveKeyPair } from "../../src/index.js";
import type { TraceEvent } from "../../src/cli/trace/events.js";
import { KeyLog } from "../../src/cli/trace/keylog.js";
import { startRelay } from "../../src/cli/trace/relay.js";
import { ZmtpTap } from "../../src/cli/trace/zmtp-tap.js";

/** The requester side: purezmq's or libzmq's. */
export type Client = { send(m: string): Promise<void>; receive(): Promise<Buffer[]>; close(): void };

/**
 * A purezmq CURVE REP (logging when the key log is on), reached through a
 * relay whose taps use `keylog` (or none); `client` makes the requester.
 */
export async function traced(keylogFile: string | undefined, client: (serverKey: string, endpoint: string) => Client): Promise<TraceEvent[]> {
  const serverKeys = curveKeyPair();
  const server = new Reply({ curveServer: true, curveSecretKey: serverKeys.secretKey });
  await server.bind("tcp://127.0.0.1:0");
  const keylog = keylogFile === undefined ? undefined : new KeyLog(keylogFile);
  const events: TraceEvent[] = [];
  const relay = await startRelay({
    listen: "tcp://127.0.0.1:0",
    to: server.lastEndpoint!,
    report: (e) => events.push(e),
    makeTap: (conn, d, report) => new ZmtpTap(conn, d, report, keylog?.forTap(conn)),
  });
  const c = client(serverKeys.publicKey, `tcp://127.0.0.1:${(relay.address() as net.AddressInfo).port}`);
  try {
    await roundTrips(c, server);
    return events;
  } finally {
    c.close();
    server.close();
    relay.close();
  }
}

/** Two request-reply round trips of `client` with `server`, with the texts the tests look for. */
export async function roundTrips(client: Client, server: Reply): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await client.send(`secret-request-${i}`);
    await server.receive();
    await server.send(`secret-reply-${i}`);
    await client.receive();
  }
}

/** A purezmq CURVE REQ with a key pair of its own. */
export function purezmqClient(serverKey: string, endpoint: string): Request {
  const keys = curveKeyPair();
  const c = new Request({ curveServerKey: serverKey, curvePublicKey: keys.publicKey, curveSecretKey: keys.secretKey });
  c.connect(endpoint);
  return c;
}

/** A message event of the tracer. */
export type MessageEvent = Extract<TraceEvent, { type: "message" }>;

/** The message events of a trace. */
export const messages = (events: TraceEvent[]): MessageEvent[] => events.filter((e): e is MessageEvent => e.type === "message");
/** Each message event as its direction and frame texts. */
export const texts = (events: TraceEvent[]): string[] => messages(events).map((e) => `${e.dir} ${e.frames.map((f) => f.text).join("|")}`);
