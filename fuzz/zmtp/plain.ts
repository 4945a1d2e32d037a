/**
 * Fuzzing of the PLAIN handshake (RFC 24) as the engine runs it: greeting,
 * then handshake frames (at most 64 KiB), then the mechanism. Both sides
 * are fed the other side's valid traffic, mutated (bit flips, truncation,
 * splicing, size fields forced to 0, 255, 256, 2^31, 2^63-1), reordered
 * and cut into arbitrary chunks.
 *
 * Checked: only ZmtpProtocolError ever escapes; the outcome (commands sent,
 * ready or failure) does not depend on chunking; a server is ready only for
 * credentials its authenticator accepted, once, and never lets a message
 * frame through before READY; a valid exchange completes on both sides.
 * Run through `npm run fuzz -- --only plain`.
 */
import fc from "fast-check";
import { bytesArb, chunk, cutsArb, mutate, mutationsArb, type SizeField } from "../lib/bytes.js";
import type { FuzzTarget } from "../lib/target.js";
import {
  FLAG_COMMAND, FrameDecoder, FrameEncoder, GreetingReader, PlainClientMechanism, PlainServerMechanism,
  ZmtpProtocolError, decodeCommand, encodeGreeting, type Mechanism, type PlainAuthenticate, type PlainCredentials, type ZapStatus,
} from "../../src/zmtp/wire/index.js";

/** The engine's bound on handshake frames. */
const HANDSHAKE_FRAME_LIMIT = 64 * 1024;
const METADATA: [string, Buffer][] = [["Socket-Type", Buffer.from("DEALER")], ["Identity", Buffer.alloc(0)]];
const GOOD = { username: Buffer.from("admin"), password: Buffer.from("secret") };

/** What one side did with its input: commands it sent (hex), then ready or the error code. */
interface Outcome {
  sent: string[];
  ready: number;
  end: string;
}

/** The authenticator of the server: accepts GOOD only, answering with `status` otherwise. */
function authenticator(status: ZapStatus): PlainAuthenticate {
  return (c, _a, done) => done(c.username.equals(GOOD.username) && c.password.equals(GOOD.password) ? { status: 200, userId: "admin" } : { status });
}

function newServer(status: ZapStatus): PlainServerMechanism {
  return new PlainServerMechanism({ metadata: METADATA, address: "tcp://fuzz", authenticate: authenticator(status) });
}

function newClient(credentials: PlainCredentials): PlainClientMechanism {
  return new PlainClientMechanism({ metadata: METADATA, address: "tcp://fuzz", credentials });
}

/** Runs a mechanism over an incoming byte stream the way the engine does. */
function drive(mech: Mechanism, chunks: readonly Buffer[]): Outcome {
  const out: Outcome = { sent: [], ready: 0, end: "open" };
  let failed: ZmtpProtocolError | undefined;
  let started = false;
  const greeting = new GreetingReader();
  const decoder = new FrameDecoder({
    onFrame: (body, flags) => {
      // A failed connection is closed (the engine ignores the rest); after READY it is the traffic phase.
      if (failed || out.ready > 0) return;
      if ((flags & FLAG_COMMAND) === 0) throw new ZmtpProtocolError("message frame before the handshake completed");
      mech.onCommand(mech.decode ? mech.decode(body) : decodeCommand(body));
    },
  }, HANDSHAKE_FRAME_LIMIT);
  try {
    for (let c of chunks) {
      if (failed) break;
      if (!started) {
        const done = greeting.push(c);
        if (!done) continue;
        if (done.greeting.mechanism !== "PLAIN") throw new ZmtpProtocolError("mechanism mismatch", "EMECHANISM");
        mech.checkPeer?.(done.greeting.asServer);
        started = true;
        mech.start({
          sendCommand: (body) => out.sent.push(body.toString("hex")),
          ready: (metadata, userId) => {
            out.ready++;
            out.sent.push(`ready ${userId ?? ""}`);
            // The engine's next check; a mutated INITIATE may have lost the property.
            if (metadata.get("socket-type") === undefined) throw new ZmtpProtocolError("no Socket-Type", "ESOCKETTYPE");
          },
          fail: (e) => (failed ??= e),
        });
        c = done.rest;
      }
      decoder.push(c);
    }
  } catch (e) {
    if (!(e instanceof ZmtpProtocolError)) throw new Error(`the PLAIN handshake threw something other than a ZmtpProtocolError: ${(e as Error)?.stack ?? String(e)}`);
    failed ??= e; // the first failure closed the connection; later ones are not seen (as in the engine)
  }
  if (failed) out.end = failed.code;
  if (out.ready > 1) throw new Error("ready reported twice");
  return out;
}

/** A peer's traffic: its greeting, then its handshake commands as frames, with their size fields. */
function traffic(asServer: boolean, commands: readonly Buffer[]): { wire: Buffer; sizeFields: SizeField[] } {
  const enc = new FrameEncoder();
  const sizeFields: SizeField[] = [];
  let pos = 64;
  for (const c of commands) {
    enc.command(c);
    const long = c.length > 255;
    sizeFields.push({ at: pos + 1, width: long ? 8 : 1 });
    pos += (long ? 9 : 2) + c.length;
  }
  return { wire: Buffer.concat([encodeGreeting("PLAIN", asServer), ...enc.take()]), sizeFields };
}

/** The commands a client with `credentials` sends to a server that welcomes it. */
function clientCommands(credentials: PlainCredentials): Buffer[] {
  const client = newClient(credentials);
  const sent: Buffer[] = [];
  client.start({ sendCommand: (b) => sent.push(b), ready: () => undefined, fail: () => undefined });
  client.onCommand({ name: "WELCOME", data: Buffer.alloc(0) });
  return sent;
}

/** The commands a server sends to a client it accepts, or refuses with `status`. */
function serverCommands(accept: boolean, status: ZapStatus): Buffer[] {
  const hello = clientCommands(accept ? GOOD : { username: Buffer.from("x"), password: Buffer.from("y") });
  const server = newServer(status);
  const sent: Buffer[] = [];
  server.start({ sendCommand: (b) => sent.push(b), ready: () => undefined, fail: () => undefined });
  for (const c of hello) {
    if (sent.length === 0 || accept) server.onCommand(decodeCommand(c));
    if (!accept) break;
  }
  return sent;
}

const credentialArb: fc.Arbitrary<PlainCredentials> = fc.oneof(
  fc.constant(GOOD),
  fc.record({ username: bytesArb(255), password: bytesArb(255) }),
);
const statusArb = fc.constantFrom<ZapStatus>(300, 400, 500);

function sameOutcome(whole: Outcome, chunked: Outcome): void {
  if (JSON.stringify(whole) !== JSON.stringify(chunked)) {
    throw new Error(`the outcome depends on chunking:\n whole:   ${JSON.stringify(whole).slice(0, 300)}\n chunked: ${JSON.stringify(chunked).slice(0, 300)}`);
  }
}

/** The PLAIN handshake target. */
export const plainTarget: FuzzTarget = {
  name: "plain",
  properties: [
    {
      title: "a valid exchange completes on both sides, under any chunking; wrong credentials are refused",
      property: fc.property(credentialArb, statusArb, cutsArb, (cred, status, cuts) => {
        const good = cred.username.equals(GOOD.username) && cred.password.equals(GOOD.password);
        const s = drive(newServer(status), chunk(traffic(false, clientCommands(cred)).wire, cuts));
        if (good !== (s.ready === 1)) throw new Error(`server ready=${s.ready} for ${good ? "good" : "bad"} credentials (${s.end})`);
        if (!good && s.end !== "EACCES") throw new Error(`refusal ended with ${s.end}`);
        const c = drive(newClient(cred), chunk(traffic(true, serverCommands(good, status)).wire, cuts));
        if (good ? c.ready !== 1 : c.ready !== 0 || (status !== 300 && c.end !== "EACCES")) throw new Error(`client outcome ${JSON.stringify(c)}`);
      }),
    },
    {
      title: "server fed mutated, reordered client traffic: only ZmtpProtocolError, ready only for accepted credentials",
      property: fc.property(credentialArb, fc.array(fc.nat(3), { maxLength: 4 }), fc.option(mutationsArb(), { nil: [] }), cutsArb, statusArb,
        (cred, order, muts, cuts, status) => {
          const valid = clientCommands(cred);
          // Reorder, drop or repeat commands: HELLO twice, INITIATE first...
          const commands = order.length === 0 ? valid : order.map((i) => valid[i % valid.length]!);
          const t = traffic(false, commands);
          const wire = mutate(t.wire, muts, t.sizeFields);
          const whole = drive(newServer(status), [wire]);
          sameOutcome(whole, drive(newServer(status), chunk(wire, cuts)));
          if (whole.ready === 1 && !whole.sent.includes(`ready admin`)) throw new Error("server ready for credentials it did not accept");
        }),
    },
    {
      title: "client fed mutated server traffic: only ZmtpProtocolError, and chunking does not change the outcome",
      property: fc.property(fc.boolean(), statusArb, fc.array(fc.nat(3), { maxLength: 4 }), fc.option(mutationsArb(), { nil: [] }), cutsArb,
        (accept, status, order, muts, cuts) => {
          const valid = serverCommands(accept, status);
          const commands = order.length === 0 || valid.length === 0 ? valid : order.map((i) => valid[i % valid.length]!);
          const t = traffic(true, commands);
          const wire = mutate(t.wire, muts, t.sizeFields);
          sameOutcome(drive(newClient(GOOD), [wire]), drive(newClient(GOOD), chunk(wire, cuts)));
        }),
    },
    {
      title: "arbitrary octets after a PLAIN greeting: only ZmtpProtocolError, on either side",
      property: fc.property(bytesArb(600), fc.boolean(), cutsArb, (raw, server, cuts) => {
        const wire = Buffer.concat([encodeGreeting("PLAIN", !server), raw]);
        const make = (): Mechanism => (server ? newServer(400) : newClient(GOOD));
        const whole = drive(make(), [wire]);
        sameOutcome(whole, drive(make(), chunk(wire, cuts)));
        if (server && whole.ready > 0) {
          // Only a HELLO with the accepted credentials can have opened the door.
          if (!whole.sent.includes("ready admin")) throw new Error("server ready without accepted credentials");
        }
      }),
    },
  ],
};
