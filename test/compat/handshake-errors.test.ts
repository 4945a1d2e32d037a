/**
 * Differential: the error a failed handshake's event carries. zeromq.js
 * turns libzmq's number into a fixed text ("ZMTP protocol error", "ZAP
 * protocol error", "Authentication failure", the C library's "Broken
 * pipe"...) with libzmq's code (`ERR_ZMTP_UNEXPECTED_COMMAND`...), errno or
 * ZAP status; purezmq gives the same, with its own account as the `cause`.
 * Raw peers send what a real one would not.
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import { randomBytes } from "node:crypto";
import { differs, same, type Zmq } from "./differential.js";
import { greetingBytes } from "../zmtp/raw/raw-peer.js";
import type { Event } from "../../src/index.js";
import { CurvePeer, type Tamper } from "../hostile/curve-peer.js";

/** A ZMTP 3.0 greeting announcing `mechanism`, as a server. */
const greeting = (mechanism: string): Buffer => greetingBytes({ mechanism, minor: 0, asServer: 1 });

/** A short command frame named `name` carrying `data`. */
function command(name: string, data: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, "latin1"), data]);
  return Buffer.concat([Buffer.from([0x04, body.length]), body]);
}

/** A READY whose metadata is one property, `name` = `value`. */
function ready(name: string, value: string): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(value.length);
  return command("READY", Buffer.concat([Buffer.from([name.length]), Buffer.from(name, "latin1"), length, Buffer.from(value, "latin1")]));
}

/** An event as code written for zeromq.js sees it: type, then the error's text and details. */
function shape(event: Event): string {
  if (!("error" in event) || !event.error) return event.type;
  const e = event.error as Error & { code?: string; errno?: number; status?: number };
  return [event.type, e.message, e.code, e.errno, e.status].filter((part) => part !== undefined).join(" | ");
}

/**
 * The events of a Dealer (with `options`) dialing a raw server that sends
 * its greeting `greeted`, then, once the client's first command has begun
 * to arrive after its greeting (the handshake is under way on both sides),
 * `then`: from the first event after `connect` to the end of that
 * connection (or its handshake).
 */
async function dialing(zmq: Zmq, [greeted, ...then]: Buffer[], options: object = {}): Promise<string[]> {
  const server = net.createServer((peer) => {
    peer.on("error", () => undefined);
    let received = 0;
    peer.on("data", (chunk: Buffer) => {
      if (received === 0) peer.write(greeted!);
      const before = received;
      received += chunk.length;
      if (before <= 64 && received > 64) for (const part of then) peer.write(part);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new zmq.Dealer({ linger: 0, ...options });
  try {
    const observer = client.events;
    client.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    const seen: string[] = [];
    for (;;) {
      const event = await observer.receive();
      if (event.type === "connect:delay" || event.type === "connect") continue;
      seen.push(shape(event));
      if (event.type === "disconnect" || event.type === "handshake") return seen;
    }
  } finally {
    client.close();
    server.close();
  }
}

const PROTOCOL = (code: string): string[] => [`handshake:error:protocol | ZMTP protocol error | ${code}`, "disconnect"];
const PLAIN_CLIENT = { plainUsername: "user", plainPassword: "secret" };

same("an unknown command in the NULL handshake: ERR_ZMTP_UNEXPECTED_COMMAND", (zmq) =>
  dialing(zmq, [greeting("NULL"), command("FOO")]), PROTOCOL("ERR_ZMTP_UNEXPECTED_COMMAND"));

same("a message frame before the handshake ends: ERR_ZMTP_UNEXPECTED_COMMAND", (zmq) =>
  dialing(zmq, [greeting("NULL"), Buffer.from([0x00, 0x01, 0x41])]), PROTOCOL("ERR_ZMTP_UNEXPECTED_COMMAND"));

same("an empty command frame: ERR_ZMTP_UNEXPECTED_COMMAND", (zmq) =>
  dialing(zmq, [greeting("NULL"), Buffer.from([0x04, 0x00])]), PROTOCOL("ERR_ZMTP_UNEXPECTED_COMMAND"));

same("an ERROR command whose reason runs past its frame: ERR_ZMTP_MALFORMED_COMMAND_ERROR", (zmq) =>
  dialing(zmq, [greeting("NULL"), command("ERROR", Buffer.from([9, 0x62]))]), PROTOCOL("ERR_ZMTP_MALFORMED_COMMAND_ERROR"));

same("a PLAIN server that sends HELLO: ERR_ZMTP_UNEXPECTED_COMMAND", (zmq) =>
  dialing(zmq, [greeting("PLAIN"), command("HELLO", Buffer.from([1, 0x61, 1, 0x62]))], PLAIN_CLIENT), PROTOCOL("ERR_ZMTP_UNEXPECTED_COMMAND"));

same("a PLAIN WELCOME with data: ERR_ZMTP_MALFORMED_COMMAND_WELCOME", (zmq) =>
  dialing(zmq, [greeting("PLAIN"), command("WELCOME", Buffer.from([1]))], PLAIN_CLIENT), PROTOCOL("ERR_ZMTP_MALFORMED_COMMAND_WELCOME"));

/** A CURVE client of a server whose key pair it has, which the raw server does not hold. */
function curveClient(zmq: Zmq): object {
  const ours = zmq.curveKeyPair();
  return { curveServerKey: zmq.curveKeyPair().publicKey, curvePublicKey: ours.publicKey, curveSecretKey: ours.secretKey };
}

same("a CURVE WELCOME that does not open: ERR_ZMTP_CRYPTOGRAPHIC", (zmq) =>
  dialing(zmq, [greeting("CURVE"), command("WELCOME", Buffer.alloc(160))], curveClient(zmq)), PROTOCOL("ERR_ZMTP_CRYPTOGRAPHIC"));

same("a CURVE WELCOME of the wrong size: ERR_ZMTP_CRYPTOGRAPHIC, as libzmq checks it where it opens the box", (zmq) =>
  dialing(zmq, [greeting("CURVE"), command("WELCOME", Buffer.alloc(10))], curveClient(zmq)), PROTOCOL("ERR_ZMTP_CRYPTOGRAPHIC"));

/** Changes the body of the command named `name` with `change`. */
const on = (name: string, change: (body: Buffer) => Buffer): Tamper => (n, body) => (n === name ? change(Buffer.from(body)) : undefined);
/** Flips the low bit of the octet at `at` (from the end when negative). */
const flip = (at: number) => (body: Buffer): Buffer => {
  body[at < 0 ? body.length + at : at]! ^= 0x01;
  return body;
};

/** A CURVE client's handshake broken by `tamper` (or vouching for a key it does not hold) against a CURVE server. */
async function curveRefusal(zmq: Zmq, tamper: Tamper, claimKey: boolean): Promise<string> {
  const [serverKeys, clientKeys] = [zmq.curveKeyPair(), zmq.curveKeyPair()];
  const server = new zmq.Router({ curveServer: true, curveSecretKey: serverKeys.secretKey, linger: 0 });
  let peer: CurvePeer | undefined;
  try {
    await server.bind("tcp://127.0.0.1:*");
    const observer = server.events;
    const claim = claimKey ? zmq.curveKeyPair().publicKey : undefined;
    peer = await CurvePeer.connect(server.lastEndpoint!, { serverKey: serverKeys.publicKey, keys: clientKeys, tamper, claim });
    for (;;) {
      const event = await observer.receive();
      if (event.type.startsWith("handshake")) return shape(event);
    }
  } finally {
    peer?.destroy();
    server.close();
  }
}

for (const [what, tamper, code, claimKey] of [
  ["a truncated HELLO", on("HELLO", (b) => b.subarray(0, b.length - 1)), "MALFORMED_COMMAND_HELLO"],
  ["a HELLO of version 2.0", on("HELLO", (b) => ((b[6] = 2), b)), "MALFORMED_COMMAND_HELLO"],
  ["a HELLO whose box was changed", on("HELLO", flip(-1)), "CRYPTOGRAPHIC"],
  ["an INITIATE with a changed cookie", on("INITIATE", flip(9 + 20)), "CRYPTOGRAPHIC"],
  ["an INITIATE whose box was changed", on("INITIATE", flip(-1)), "CRYPTOGRAPHIC"],
  ["a truncated INITIATE", on("INITIATE", (b) => b.subarray(0, 200)), "MALFORMED_COMMAND_INITIATE"],
  ["a MESSAGE instead of INITIATE", on("INITIATE", () => Buffer.concat([Buffer.from("\x07MESSAGE", "latin1"), randomBytes(40)])), "UNEXPECTED_COMMAND"],
  ["a vouch for a key the client does not hold", () => undefined, "CRYPTOGRAPHIC", true],
] as const) {
  same(`CURVE server, ${what}: ERR_ZMTP_${code}`, (zmq) =>
    curveRefusal(zmq, tamper, claimKey === true), `handshake:error:protocol | ZMTP protocol error | ERR_ZMTP_${code}`);
}

/** The first event of a Dealer dialing a raw server that ends the connection with `end` once greeted. */
async function lost(zmq: Zmq, end: (peer: net.Socket) => void): Promise<string> {
  const server = net.createServer((peer) => {
    peer.on("error", () => undefined);
    peer.once("data", () => end(peer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new zmq.Dealer({ linger: 0 });
  try {
    const observer = client.events;
    client.connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    for (;;) {
      const event = await observer.receive();
      if (event.type.startsWith("handshake:error:")) return shape(event);
    }
  } finally {
    client.close();
    server.close();
  }
}

same("a server that closes during the handshake: the C library's text and errno", (zmq) =>
  lost(zmq, (peer) => peer.end()), "handshake:error:other | Broken pipe | EPIPE | 32");

same("a server that resets during the handshake: the C library's text and errno", (zmq) =>
  lost(zmq, (peer) => peer.resetAndDestroy()), "handshake:error:other | Connection reset by peer | ECONNRESET | 104");

/** The auth events of `sides` of a PLAIN handshake whose ZAP handler answers `status`. */
async function refusedWith(zmq: Zmq, status: string, sides: "server" | "both"): Promise<string[]> {
  // A context of its own: the handler's inproc name is free again for the next test at once.
  const context = new zmq.Context();
  const zap = new zmq.Router({ context, linger: 0 });
  const server = new zmq.Dealer({ context, plainServer: true, linger: 0 });
  const client = new zmq.Dealer({ ...PLAIN_CLIENT, linger: 0 });
  try {
    await zap.bind("inproc://zeromq.zap.01");
    await server.bind("tcp://127.0.0.1:*");
    const firstAuth = async (observer: typeof server.events): Promise<string> => {
      for (;;) {
        const event = await observer.receive();
        if (event.type === "handshake:error:auth") return shape(event);
      }
    };
    const events = Promise.all(sides === "both" ? [firstAuth(server.events), firstAuth(client.events)] : [firstAuth(server.events)]);
    client.connect(server.lastEndpoint!);
    const [routingId, delimiter, version, requestId] = await zap.receive();
    await zap.send([routingId!, delimiter!, version!, requestId!, status, "no", "", ""]);
    return await events;
  } finally {
    client.close();
    server.close();
    zap.close();
  }
}

// A 300 (temporary) refusal sends the client no ERROR in libzmq: only the server has an auth event.
same(`ZAP status 300: "Temporary error" with the status on the server`, (zmq) =>
  refusedWith(zmq, "300", "server"), ["handshake:error:auth | Temporary error | 300"]);

for (const [status, text] of [["400", "Authentication failure"], ["500", "Internal error"]] as const) {
  same(`ZAP status ${status}: "${text}" with the status on both sides`, (zmq) =>
    refusedWith(zmq, status, "both"), [`handshake:error:auth | ${text} | ${status}`, `handshake:error:auth | ${text} | ${status}`]);
}

differs("a peer of a socket type that may not talk to ours", (zmq) =>
  dialing(zmq, [greeting("NULL"), ready("Socket-Type", "PUB")]), {
  zeromq: ["disconnect"],
  purezmq: PROTOCOL("ERR_ZMTP_INVALID_METADATA"),
}, "purezmq says why the connection ended; libzmq reports no handshake error");

differs("a peer whose READY has no Socket-Type", (zmq) =>
  dialing(zmq, [greeting("NULL"), command("READY")]), {
  zeromq: ["handshake"],
  purezmq: PROTOCOL("ERR_ZMTP_INVALID_METADATA"),
}, "ZMTP requires the property, so purezmq cannot check the pattern and refuses the peer; libzmq takes it");
