/**
 * The NULL mechanism: RFC 23 section "The NULL Security Mechanism".
 * Both sides send READY with their metadata right after the greeting, as
 * libzmq does; an ERROR from the peer ends the handshake.
 */
import { decodeError, decodeMetadata, encodeReady, type Command } from "./command.js";
import { ZmtpProtocolError } from "./errors.js";
import type { Mechanism, MechanismOptions, MechanismPeer } from "./mechanism.js";

/** The NULL mechanism, for either side. */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly asServer = false;
  private peer: MechanismPeer | undefined;
  private done = false;

  constructor(private readonly options: MechanismOptions) {}

  start(peer: MechanismPeer): void {
    this.peer = peer;
    peer.sendCommand(encodeReady(this.options.metadata));
  }

  onCommand(command: Command): void {
    if (command.name === "ERROR") {
      throw new ZmtpProtocolError(`peer refused the handshake: ${decodeError(command.data)}`, "EPEERERROR");
    }
    if (command.name !== "READY" || this.done) {
      throw new ZmtpProtocolError(`unexpected ${command.name} command in the NULL handshake`, "EMECHANISM");
    }
    this.done = true;
    this.peer!.ready(decodeMetadata(command.data));
  }
}

/** Factory for {@link NullMechanism}. */
export const nullMechanism = (options: MechanismOptions): Mechanism => new NullMechanism(options);
