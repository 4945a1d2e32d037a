/**
 * Fuzzing of the ZMTP wire layer (greeting reader, frame decoder, command
 * and metadata decoders), by generation and by mutation of valid traffic
 * (bit flips, truncation, splicing, size fields forced to 0, 255, 256, 2^31,
 * 2^63-1, LONG flag toggled) under arbitrary chunking.
 *
 * Checked: nothing but a ZmtpProtocolError ever escapes a decoder; valid
 * traffic decodes back to what was encoded; and the outcome (frames, then
 * the error code if any) does not depend on how the stream is chunked.
 * Run through `npm run fuzz -- --only zmtp`.
 */
import fc from "fast-check";
import { bytesArb as bytes, chunk, cutsArb, mutate as mutateBytes, mutationArb as byteMutationArb, type Mutation as ByteMutation, type SizeField } from "../lib/bytes.js";
import type { FuzzTarget } from "../lib/target.js";
import {
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FrameDecoder, FrameEncoder, GreetingReader, ZmtpProtocolError,
  decodeCommand, decodeError, decodeMetadata, decodePing, encodeCommand, encodeError, encodeGreeting,
  encodeMetadata, encodePing, encodeReady, type MechanismName,
} from "../../src/zmtp/wire/index.js";

// ---- valid traffic, with the position of every size field

/** One frame to send: body and MORE/COMMAND flags. */
interface Frame {
  flags: number;
  body: Buffer;
}

/** Encoded traffic and where its size fields lie (offset, width 1 or 8). */
interface Traffic {
  wire: Buffer;
  sizeFields: SizeField[];
  frames: Frame[];
}

function encodeTraffic(frames: readonly Frame[]): Traffic {
  const enc = new FrameEncoder();
  const sizeFields: Traffic["sizeFields"] = [];
  let pos = 0;
  for (const f of frames) {
    enc.frame(f.body, f.flags);
    const long = f.body.length > 255;
    sizeFields.push({ at: pos + 1, width: long ? 8 : 1 });
    pos += (long ? 9 : 2) + f.body.length;
  }
  return { wire: Buffer.concat(enc.take()), sizeFields, frames: [...frames] };
}

const name = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });

/** Command bodies the peer might send: READY, PING, PONG, ERROR, SUBSCRIBE, unknown. */
const commandBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.array(fc.tuple(name, bytes(300)), { maxLength: 5 }).map((p) => encodeReady(p)),
  fc.tuple(fc.nat(0xffff), bytes(16)).map(([ttl, ctx]) => encodePing(ttl, ctx)),
  bytes(16).map((ctx) => encodeCommand("PONG", ctx)),
  fc.string({ maxLength: 60 }).map((r) => encodeError(r)),
  bytes(300).map((t) => encodeCommand("SUBSCRIBE", t)),
  fc.tuple(name, bytes(64)).map(([n, d]) => encodeCommand(n, d)),
);

/** A stream of whole messages and commands. */
const framesArb: fc.Arbitrary<Frame[]> = fc
  .array(
    fc.oneof(
      fc.array(fc.oneof(bytes(40), bytes(600)), { minLength: 1, maxLength: 5 }).map((parts) =>
        parts.map((body, i) => ({ body, flags: i < parts.length - 1 ? FLAG_MORE : 0 })),
      ),
      commandBody.map((body) => [{ body, flags: FLAG_COMMAND }]),
    ),
    { maxLength: 8 },
  )
  .map((groups) => groups.flat());

// ---- mutations: the shared byte edits, plus the ZMTP LONG flag toggled on a frame

type Mutation = ByteMutation | { kind: "long"; field: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: byteMutationArb },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("long" as const), field: fc.nat() }) },
);

/** Applies mutations; the LONG toggle flips the flag octet before a size field of the unmutated traffic. */
function mutate(t: Traffic, muts: readonly Mutation[]): Buffer {
  let b = t.wire;
  for (const m of muts) {
    if (m.kind !== "long") {
      b = mutateBytes(b, [m], t.sizeFields);
      continue;
    }
    if (t.sizeFields.length === 0 || b.length === 0) continue;
    const f = t.sizeFields[m.field % t.sizeFields.length]!;
    if (f.at - 1 < b.length) {
      b = Buffer.from(b);
      b[f.at - 1] = b[f.at - 1]! ^ FLAG_LONG;
    }
  }
  return b;
}

// ---- the decoders, as the engine chains them

/** What a decoding run produced: frames (hex), then the error code if it stopped on one. */
interface Outcome {
  frames: string[];
  error?: string;
}

function assertProtocolError(e: unknown): ZmtpProtocolError {
  if (e instanceof ZmtpProtocolError) return e;
  throw new Error(`a decoder threw something other than a ZmtpProtocolError: ${(e as Error)?.stack ?? String(e)}`);
}

/** Decodes a command body the way the engine would; only ZmtpProtocolError may escape. */
function interpretCommand(body: Buffer): string {
  const cmd = decodeCommand(body);
  switch (cmd.name) {
    case "READY":
      return `READY ${[...decodeMetadata(cmd.data)].map(([k, v]) => `${k}=${v.toString("hex")}`).join(",")}`;
    case "PING": {
      const p = decodePing(cmd.data);
      return `PING ${p.ttl} ${p.context.toString("hex")}`;
    }
    case "ERROR":
      return `ERROR ${decodeError(cmd.data)}`;
    default:
      return `${cmd.name} ${cmd.data.toString("hex")}`;
  }
}

function decodeStream(chunks: readonly Buffer[], maxFrameSize: number): Outcome {
  const frames: string[] = [];
  const dec = new FrameDecoder(
    {
      onFrame: (body, flags) => {
        frames.push(`${flags}:${body.toString("hex")}`);
        if ((flags & FLAG_COMMAND) !== 0) frames.push("= " + interpretCommand(body));
      },
    },
    maxFrameSize,
  );
  try {
    for (const c of chunks) dec.push(c);
    return { frames };
  } catch (e) {
    return { frames, error: assertProtocolError(e).code + ":" + frames.length };
  }
}

function readGreeting(chunks: readonly Buffer[]): string {
  const r = new GreetingReader();
  try {
    for (let i = 0; i < chunks.length; i++) {
      const done = r.push(chunks[i]!);
      // What follows the greeting: the rest of this chunk and the chunks not fed.
      if (done) return JSON.stringify(done.greeting) + Buffer.concat([done.rest, ...chunks.slice(i + 1)]).toString("hex");
    }
    return `partial ${r.received}`;
  } catch (e) {
    return "error " + assertProtocolError(e).code;
  }
}

function sameOutcome(a: Outcome, b: Outcome): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`the outcome depends on chunking:\n whole:   ${JSON.stringify(a).slice(0, 400)}\n chunked: ${JSON.stringify(b).slice(0, 400)}`);
  }
}

const limitArb = fc.constantFrom(-1, -1, 0, 255, 256, 1000, 64 * 1024);

// ---- properties

/** The ZMTP wire-layer target. */
export const zmtpTarget: FuzzTarget = {
  name: "zmtp",
  properties: ([
  [
    "valid traffic decodes back exactly under any chunking",
    fc.property(framesArb, cutsArb, (frames, cuts) => {
      const t = encodeTraffic(frames);
      const got = decodeStream(chunk(t.wire, cuts), -1);
      const want = decodeStream([t.wire], -1);
      if (want.error) throw new Error(`valid traffic refused: ${want.error}`);
      sameOutcome(want, got);
      const bodies = got.frames.filter((f) => !f.startsWith("= "));
      const expected = t.frames.map((f) => `${f.flags | (f.body.length > 255 ? FLAG_LONG : 0)}:${f.body.toString("hex")}`);
      if (JSON.stringify(bodies) !== JSON.stringify(expected)) throw new Error("decoded frames differ from the encoded ones");
    }),
  ],
  [
    "mutated traffic: only ZmtpProtocolError, and chunking does not change the outcome",
    fc.property(framesArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), cutsArb, limitArb, (frames, muts, cuts, limit) => {
      const wire = mutate(encodeTraffic(frames), muts);
      sameOutcome(decodeStream([wire], limit), decodeStream(chunk(wire, cuts), limit));
    }),
  ],
  [
    "generated octets: only ZmtpProtocolError, and chunking does not change the outcome",
    fc.property(fc.uint8Array({ maxLength: 400 }), cutsArb, limitArb, (raw, cuts, limit) => {
      const wire = Buffer.from(raw);
      sameOutcome(decodeStream([wire], limit), decodeStream(chunk(wire, cuts), limit));
    }),
  ],
  [
    "greetings, valid and mutated: only ZmtpProtocolError, and chunking does not change the result",
    fc.property(
      fc.constantFrom<MechanismName>("NULL", "PLAIN", "CURVE"),
      fc.boolean(),
      fc.nat(255),
      fc.array(fc.record({ at: fc.nat(63), value: fc.nat(255) }), { maxLength: 4 }),
      fc.nat(80),
      cutsArb,
      (mech, asServer, minor, edits, keep, cuts) => {
        const g = encodeGreeting(mech, asServer, minor);
        for (const e of edits) g[e.at] = e.value;
        const wire = Buffer.concat([g, Buffer.from([1, 2, 3])]).subarray(0, keep);
        const whole = readGreeting([wire]);
        const chunked = readGreeting(chunk(wire, cuts));
        if (whole !== chunked) {
          throw new Error(`greeting outcome depends on chunking: ${whole} vs ${chunked}`);
        }
      },
    ),
  ],
  [
    "command and metadata bodies, mutated: only ZmtpProtocolError",
    fc.property(commandBody, fc.array(mutationArb, { maxLength: 4 }), (body, muts) => {
      const wire = mutate({ wire: body, sizeFields: [], frames: [] }, muts);
      try {
        interpretCommand(wire);
      } catch (e) {
        assertProtocolError(e);
      }
      try {
        decodeMetadata(wire.subarray(6));
      } catch (e) {
        assertProtocolError(e);
      }
    }),
  ],
  [
    "metadata with forced value sizes: only ZmtpProtocolError",
    fc.property(fc.array(fc.tuple(name, bytes(40)), { minLength: 1, maxLength: 4 }), fc.nat(), fc.constantFrom(0, 1, 255, 256, 2 ** 31, 0xffffffff), (props, which, size) => {
      const md = encodeMetadata(props);
      // Find the value-size field of one property and overwrite it.
      let pos = 0;
      const k = which % props.length;
      for (let i = 0; i < k; i++) pos += 1 + props[i]![0].length + 4 + props[i]![1].length;
      md.writeUInt32BE(size >>> 0, pos + 1 + props[k]![0].length);
      try {
        decodeMetadata(md);
      } catch (e) {
        assertProtocolError(e);
      }
    }),
  ],
] as [string, fc.IRawProperty<any>][]).map(([title, property]) => ({ title, property })),
};
