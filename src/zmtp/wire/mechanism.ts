/**
 * The security mechanism interface: RFC 23 section "Security Mechanism".
 *
 * A mechanism runs the handshake that follows the greeting. It is sans-I/O:
 * the engine hands it each handshake command and it answers through its
 * {@link MechanismPeer}. NULL, PLAIN and CURVE plug in here; a
 * mechanism that authenticates asynchronously (ZAP) calls `ready` or `fail`
 * when its answer comes. A mechanism that protects the traffic too (CURVE)
 * offers a {@link FrameCipher} once ready; NULL and PLAIN offer none, and
 * their frames pass untouched.
 */
import { Buffer } from "node:buffer";
import type { Command, Metadata, Property } from "./command.js";
import type { ZmtpProtocolError } from "./errors.js";
import type { FrameLimits } from "./frame-decoder.js";
import type { MechanismName } from "./greeting.js";

/** What a mechanism may do to the connection it runs on. */
export interface MechanismPeer {
  /** Sends a handshake command (a full command body). */
  sendCommand(body: Buffer): void;
  /** The handshake succeeded; `metadata` is what the peer declared. */
  ready(metadata: Metadata, userId?: string): void;
  /** The handshake failed; the connection closes. */
  fail(error: ZmtpProtocolError): void;
}

/** Runs one side of one handshake. */
export interface Mechanism {
  readonly name: MechanismName;
  /** The as-server flag of our greeting. */
  readonly asServer: boolean;
  /** Checks the peer's as-server flag against ours; throws on a bad pairing. */
  checkPeer?(peerAsServer: boolean): void;
  /** Called once both greetings are exchanged. */
  start(peer: MechanismPeer): void;
  /** Splits a handshake command body, where a peer's form differs from RFC 23 (default: decodeCommand). */
  decode?(body: Buffer): Command;
  /** A command received during the handshake; throws on a violation. */
  onCommand(command: Command): void;
  /** The connection ended: abandon any pending asynchronous work (a ZAP request). */
  close?(): void;
  /** Set once the handshake succeeded when every later frame must be sealed and opened. */
  readonly cipher?: FrameCipher;
}

/**
 * Wraps every frame after the handshake. Each frame, message part or
 * command, goes out as the body of a frame the cipher builds, and each
 * frame received is opened back into the frame it carries.
 */
export interface FrameCipher {
  /** Seals one frame (`flags`: ZMTP MORE/COMMAND bits) into the body of a frame sent without flags. */
  seal(body: Uint8Array, flags: number): Buffer;
  /** Opens a received frame's body; the inner frame's MORE/COMMAND bits are then in {@link flags}. Throws on a bad frame. */
  open(body: Buffer): Buffer;
  /** The flags of the frame {@link open} returned last. */
  readonly flags: number;
  /** Bounds on what the sealed frames hold, as the frame decoder bounds plain traffic. */
  setLimits(limits: FrameLimits): void;
}

/** What every mechanism gets to build its own metadata. */
export interface MechanismOptions {
  /** Our READY/INITIATE properties (Socket-Type, Identity...). */
  metadata: readonly Property[];
  /** The remote address, for authenticators. */
  address: string;
}

/** Makes a mechanism for a new connection. */
export type MechanismFactory = (options: MechanismOptions) => Mechanism;
