/**
 * The probe's side of a handshake (RFC 23 "Version Negotiation", "Security
 * Mechanism"; RFC 24; RFC 26): our greeting, as the check at hand wants it
 * (another minor version, padding, filler, mechanism name, sent whole or
 * octet by octet), then the wire layer's own client mechanisms (NULL,
 * PLAIN, CURVE) driven over the probe's connection. What the peer sent is
 * kept as it was on the wire (property names in their case, an ERROR
 * command's exact octets) for the checks to judge.
 */
import { Buffer } from "node:buffer";
import {
  CurveClientMechanism, NullMechanism, PlainClientMechanism, decodeCommand, decodeProperties, encodeGreeting, sendsIdentity,
  FLAG_COMMAND, type Command, type Greeting, type KeyPair, type Mechanism, type MechanismName, type Property, type SocketTypeName,
  ZmtpProtocolError,
} from "../../zmtp/wire/index.js";
import type { ProbeConnection } from "./connection.js";

/** The security the peer under test expects, and what the probe holds for it. */
export interface ProbeSecurity {
  mechanism: MechanismName;
  /** PLAIN credentials (the probe's default is a made-up pair, for the refusal check). */
  plain?: { username: string; password: string };
  /** CURVE: the server's public key and the probe's key pair. */
  curve?: { serverKey: Buffer; keys: KeyPair };
}

/** How the probe writes its greeting and metadata for one check. */
export interface HandshakeOptions {
  security: ProbeSecurity;
  /** The socket type the probe claims; for NULL, by default one that may talk to the type in the peer's READY. */
  socketType?: SocketTypeName;
  /** Minor version announced (default 1, ZMTP 3.1). */
  minor?: number;
  /** Octets 1-8 of the signature (default as libzmq writes them). */
  padding?: Buffer;
  /** The value of each of the 31 filler octets (default 0). */
  filler?: number;
  /** The mechanism named in the greeting, when it must differ from the one run. */
  mechanismName?: string;
  /** Sends the greeting one octet per write. */
  octetByOctet?: boolean;
  /** How property names are written (mixed case). */
  propertyName?: (name: string) => string;
  /** Deadline of each wait. */
  timeoutMs: number;
}

/** An ERROR command as it came: its octets and the reason read from them. */
export interface ErrorCommand {
  raw: Buffer;
  reason: string;
  /** True when the name was written `5E 'RROR'`, as libzmq 4.3's PLAIN and CURVE do. */
  garbled: boolean;
}

/** What a handshake came to. */
export type HandshakeResult =
  | {
    ok: true;
    peer: Greeting;
    rawGreeting: Buffer;
    /** The peer's READY properties in wire order and case (decoded from the sealed READY for CURVE). */
    properties: Array<[string, Buffer]>;
    ourType: SocketTypeName;
  }
  | {
    ok: false;
    peer?: Greeting;
    rawGreeting?: Buffer;
    /** Where it ended: the greeting, or the mechanism's commands. */
    stage: "greeting" | "handshake";
    outcome: "closed" | "timeout" | "error";
    detail: string;
    error?: ErrorCommand;
  };

/** The socket type the probe plays against each peer type (RFC 28-31 pairs). */
export const PARTNER: Readonly<Record<string, SocketTypeName>> = {
  REQ: "ROUTER", REP: "DEALER", DEALER: "DEALER", ROUTER: "DEALER", PUB: "SUB", XPUB: "SUB",
  SUB: "PUB", XSUB: "PUB", PUSH: "PULL", PULL: "PUSH", PAIR: "PAIR",
};

/** The type the probe plays against a peer of type `type` (a name the peer chose: any text). */
export function partnerOf(type: string): SocketTypeName | undefined {
  return Object.hasOwn(PARTNER, type) ? PARTNER[type] : undefined;
}

/** libzmq 4.3's ERROR name: `"\x05ERROR"` in C, whose escape takes the `E`. */
const GARBLED_ERROR = Buffer.from([0x5e, 0x52, 0x52, 0x4f, 0x52]);

/** Reads an ERROR command in either form; undefined when `body` is not one. */
export function readError(body: Buffer): ErrorCommand | undefined {
  const garbled = body.length > GARBLED_ERROR.length && body.subarray(0, GARBLED_ERROR.length).equals(GARBLED_ERROR);
  const data = garbled ? body.subarray(GARBLED_ERROR.length) : body[0] === 5 && body.toString("latin1", 1, 6) === "ERROR" ? body.subarray(6) : undefined;
  if (data === undefined) return undefined;
  const len = data[0] ?? 0;
  return { raw: Buffer.from(body.subarray(0, 64)), reason: data.toString("latin1", 1, 1 + Math.min(len, data.length - 1)), garbled };
}

/** Our greeting as `options` shape it. */
export function probeGreeting(options: HandshakeOptions): Buffer {
  const { security } = options;
  const g = encodeGreeting(security.mechanism, false, options.minor ?? 1);
  if (options.padding) options.padding.copy(g, 1, 0, 8);
  if (options.filler !== undefined) g.fill(options.filler, 33, 64);
  if (options.mechanismName !== undefined) {
    g.fill(0, 12, 32);
    g.write(options.mechanismName, 12, 20, "latin1");
  }
  return g;
}

function makeMechanism(options: HandshakeOptions, type: SocketTypeName, address: string): Mechanism {
  const name = options.propertyName ?? ((n: string) => n);
  const metadata: Property[] = [[name("Socket-Type"), type]];
  if (sendsIdentity(type)) metadata.push([name("Identity"), Buffer.alloc(0)]);
  const { security } = options;
  const base = { metadata, address };
  switch (security.mechanism) {
    case "NULL":
      return new NullMechanism(base);
    case "PLAIN": {
      const p = security.plain ?? { username: "probe", password: "probe" };
      return new PlainClientMechanism({ ...base, credentials: { username: Buffer.from(p.username), password: Buffer.from(p.password) } });
    }
    case "CURVE":
      return new CurveClientMechanism({ ...base, keys: security.curve!.keys, serverKey: security.curve!.serverKey });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs our side of the greeting and handshake on `conn`. */
export async function handshake(conn: ProbeConnection, options: HandshakeOptions, address: string): Promise<HandshakeResult> {
  const ms = options.timeoutMs;
  const greeting = probeGreeting(options);
  if (options.octetByOctet) await conn.sendOctetByOctet(greeting);
  else conn.send(greeting);
  const g = await conn.nextGreeting(ms);
  if (g.kind !== "ok") return { ok: false, stage: "greeting", outcome: g.kind, detail: g.kind === "error" ? g.message : `no greeting (${g.kind})` };
  const peer = g.value.greeting;
  const rawGreeting = Buffer.from(g.value.raw);
  const failed = (outcome: "closed" | "timeout" | "error", detail: string, error?: ErrorCommand): HandshakeResult =>
    ({ ok: false, peer, rawGreeting, stage: "handshake", outcome, detail, ...(error ? { error } : {}) });

  let mechanism: Mechanism | undefined;
  let ourType = options.socketType;
  let properties: Array<[string, Buffer]> = [];
  let done = false;
  let failure: ZmtpProtocolError | undefined;
  const start = (type: SocketTypeName): void => {
    ourType = type;
    mechanism = makeMechanism(options, type, address);
    mechanism.start({
      sendCommand: (body) => conn.sendCommand(body),
      ready: (metadata) => {
        done = true;
        if (properties.length === 0) properties = [...metadata.entries()];
      },
      fail: (err) => {
        failure = err;
      },
    });
  };
  // NULL: the peer's READY comes unasked, and tells which type to play.
  if (options.socketType !== undefined || options.security.mechanism !== "NULL") {
    try {
      start(options.socketType ?? "DEALER");
    } catch (err) {
      return failed("error", errorText(err));
    }
  }
  while (!done && failure === undefined) {
    const f = await conn.nextFrame(ms);
    if (f.kind !== "ok") return failed(f.kind, f.kind === "error" ? f.message : `the peer ${f.kind === "closed" ? "closed the connection" : "went silent"} during the handshake`);
    if ((f.value.flags & FLAG_COMMAND) === 0) return failed("error", "a message frame before the handshake ended");
    const body = f.value.body;
    const error = readError(body);
    if (error) return failed("closed", `ERROR "${error.reason}"`, error);
    let command: Command;
    try {
      command = mechanism?.decode ? mechanism.decode(body) : decodeCommand(body);
      if (command.name === "READY" && options.security.mechanism !== "CURVE") properties = decodeProperties(command.data);
      if (!mechanism) {
        start(partnerOf(peerSocketType(properties)) ?? "DEALER");
      }
      mechanism!.onCommand(command);
    } catch (err) {
      return failed("error", errorText(err));
    }
  }
  if (failure) return failed("error", failure.message);
  conn.cipher = mechanism!.cipher;
  return { ok: true, peer, rawGreeting, properties, ourType: ourType! };
}

/** The peer's Socket-Type from its READY properties (any case), or "". */
export function peerSocketType(properties: ReadonlyArray<[string, Buffer]>): string {
  return properties.find(([n]) => n.toLowerCase() === "socket-type")?.[1].toString("latin1") ?? "";
}
