/**
 * Long-running fuzzing of the ZMTP wire layer (greeting reader, frame
 * decoder, command and metadata decoders), by generation and by mutation of
 * valid traffic (bit flips, truncation, splicing, size fields forced to 0,
 * 255, 256, 2^31, 2^63-1, LONG flag toggled) under arbitrary chunking.
 *
 * Checked: nothing but a ZmtpProtocolError ever escapes a decoder; valid
 * traffic decodes back to what was encoded; and the outcome (frames, then
 * the error code if any) does not depend on how the stream is chunked.
 *
 * Usage: node build/fuzz/zmtp/fuzz.js [iterations] [seed]
 * On failure the seed and the shrunk counterexample are printed; re-run
 * with that seed to reproduce.
 */
import fc from "fast-check";
import {
  FLAG_COMMAND, FLAG_LONG, FLAG_MORE, FrameDecoder, FrameEncoder, GreetingReader, ZmtpProtocolError,
  decodeCommand, decodeError, decodeMetadata, decodePing, encodeCommand, encodeError, encodeGreeting,
  encodeMetadata, encodePing, encodeReady, type MechanismName,
} from "../../src/zmtp/wire/index.js";

const iterations = Number(process.argv[2] ?? 20_000);
const seed = process.argv[3] !== undefined ? Number(process.argv[3]) : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(seed)) {
  console.error("usage: fuzz.js [iterations] [seed]");
  process.exit(2);
}

// ---- valid traffic, with the position of every size field

/** One frame to send: body and MORE/COMMAND flags. */
interface Frame {
  flags: number;
  body: Buffer;
}

/** Encoded traffic and where its size fields lie (offset, width 1 or 8). */
interface Traffic {
  wire: Buffer;
  sizeFields: { at: number; width: 1 | 8 }[];
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

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));
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

// ---- mutations

const SIZE_SPECIALS = [0n, 255n, 256n, 2n ** 31n, 2n ** 63n - 1n] as const;

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; at: number }
  | { kind: "splice"; from: number; to: number; len: number }
  | { kind: "size"; field: number; value: bigint }
  | { kind: "long"; field: number }
  | { kind: "insert"; at: number; byte: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("splice" as const), from: fc.nat(), to: fc.nat(), len: fc.nat(40) }),
  fc.record({ kind: fc.constant("size" as const), field: fc.nat(), value: fc.constantFrom(...SIZE_SPECIALS) }),
  fc.record({ kind: fc.constant("long" as const), field: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x7f, 0xff) }),
);

/** Applies mutations; size-field mutations use the fields of the unmutated traffic (a mutated one may have moved them). */
function mutate(t: Traffic, muts: readonly Mutation[]): Buffer {
  let b = Buffer.from(t.wire);
  for (const m of muts) {
    if (b.length === 0) break;
    switch (m.kind) {
      case "flip": {
        const at = m.at % b.length;
        b[at] = b[at]! ^ (1 << m.bit);
        break;
      }
      case "truncate":
        b = b.subarray(0, m.at % b.length);
        break;
      case "splice": {
        const from = m.from % b.length;
        const piece = Buffer.from(b.subarray(from, from + m.len));
        const to = m.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
        break;
      }
      case "size": {
        if (t.sizeFields.length === 0) break;
        const f = t.sizeFields[m.field % t.sizeFields.length]!;
        if (f.at + f.width > b.length) break;
        if (f.width === 8) b.writeBigUInt64BE(m.value, f.at);
        else b[f.at] = Number(m.value & 0xffn) === Number(m.value) ? Number(m.value) : 0xff;
        break;
      }
      case "long": {
        if (t.sizeFields.length === 0) break;
        const f = t.sizeFields[m.field % t.sizeFields.length]!;
        if (f.at - 1 < b.length) b[f.at - 1] = b[f.at - 1]! ^ FLAG_LONG;
        break;
      }
      case "insert": {
        const at = m.at % (b.length + 1);
        b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
        break;
      }
    }
  }
  return b;
}

// ---- chunking

const cutsArb = fc.array(fc.nat(), { maxLength: 16 });

function chunk(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(Buffer.from(data.subarray(prev, p)));
    prev = p;
  }
  out.push(Buffer.from(data.subarray(prev)));
  return out;
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

const properties: [string, fc.IProperty<any>][] = [
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
];

const started = Date.now();
console.log(`fuzzing the ZMTP wire layer: ${iterations} runs per property, seed ${seed}`);
let failed = false;
for (const [title, prop] of properties) {
  const t0 = Date.now();
  const details = fc.check(prop, { numRuns: iterations, seed });
  if (details.failed) {
    failed = true;
    console.error(`FAIL ${title}`);
    console.error(`  seed ${details.seed}, path ${details.counterexamplePath ?? "?"}, after ${details.numRuns} runs and ${details.numShrinks} shrinks`);
    console.error(`  counterexample: ${fc.stringify(details.counterexample)}`);
    console.error(`  error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
    console.error(`  reproduce: node build/fuzz/zmtp/fuzz.js ${iterations} ${seed}`);
  } else {
    console.log(`ok   ${title} (${Date.now() - t0} ms)`);
  }
}
console.log(`done in ${Date.now() - started} ms`);
process.exit(failed ? 1 : 0);
