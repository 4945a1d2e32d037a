/**
 * A pipe: the socket's side of one peer. It holds the messages going to the
 * peer (bounded by the send high-water mark) and those received from it
 * (bounded by the receive high-water mark). A driver (a ZMTP engine, or the
 * in-process link) moves messages between the pipe and the peer.
 *
 * A pipe made by connect() outlives its connections: messages queued while
 * the peer is down stay here and go out, in order, after the reconnect.
 */
import { Queue } from "./queue.js";

/** A message: its parts, in order. */
export type Message = Buffer[];

/** The socket pattern that owns the pipe. */
export interface PipeOwner {
  /** The receive queue went from empty to non-empty. */
  pipeReadable(pipe: Pipe): void;
  /** The send queue went from full to having room. */
  pipeWritable(pipe: Pipe): void;
}

/** What carries a pipe's messages to and from the peer. */
export interface PipeDriver {
  /** New messages wait in the send queue. */
  kick(): void;
  /** The receive queue has room again (after it reported full). */
  resume(): void;
}

/** Facts about the peer learned at the handshake. */
export interface PeerInfo {
  socketType: string;
  identity: Buffer;
  /** ZMTP minor version of the peer (0 for 3.0); 1 for in-process peers. */
  minor: number;
  /** User id from the authenticator, if any. */
  userId?: string;
}

let nextPipeId = 1;

/** One peer of a socket. */
export class Pipe {
  /** A process-unique number, for maps and logs. */
  readonly id = nextPipeId++;
  private readonly outQueue = new Queue<Message>();
  private readonly inQueue = new Queue<Message>();
  private readFull = false;
  driver: PipeDriver | undefined;
  peer: PeerInfo | undefined;
  /** ROUTER: the routing id asked for with `connect(address, {routingId})`. */
  connectRoutingId: Buffer | undefined;
  /** ROUTER: the routing id this peer is known by. */
  routingId: Buffer | undefined;
  /** Set once the pipe is gone for good. */
  detached = false;

  /**
   * @param owner the socket pattern
   * @param endpoint the endpoint this pipe came from (bind or connect address)
   * @param sendHighWaterMark messages queued to the peer at most; 0 = no limit
   * @param receiveHighWaterMark messages queued from the peer at most; 0 = no limit
   */
  constructor(
    readonly owner: PipeOwner,
    readonly endpoint: string,
    readonly sendHighWaterMark: number,
    readonly receiveHighWaterMark: number,
  ) {}

  /** Messages waiting to go out. */
  get outLength(): number {
    return this.outQueue.length;
  }

  /** Messages received and not yet read. */
  get inLength(): number {
    return this.inQueue.length;
  }

  /** True when one more message fits under the send high-water mark. */
  get writable(): boolean {
    return !this.detached && (this.sendHighWaterMark <= 0 || this.outQueue.length < this.sendHighWaterMark);
  }

  // ---- socket side

  /** Queues a message for the peer. The caller checked {@link writable}. */
  write(msg: Message): void {
    this.outQueue.push(msg);
    if (this.outQueue.length === 1) this.driver?.kick();
  }

  /** Takes the next received message, if any. */
  read(): Message | undefined {
    const msg = this.inQueue.shift();
    if (this.readFull && msg !== undefined && this.hasReadRoom()) {
      this.readFull = false;
      this.driver?.resume();
    }
    return msg;
  }

  // ---- driver side

  /** Takes the next message to send, if any. */
  takeOut(): Message | undefined {
    const wasFull = !this.writable;
    const msg = this.outQueue.shift();
    if (wasFull && msg !== undefined && !this.detached) this.owner.pipeWritable(this);
    return msg;
  }

  /** Looks at the next message to send without taking it. */
  peekOut(): Message | undefined {
    return this.outQueue.peek();
  }

  /**
   * Hands a received message to the socket. Returns false when the receive
   * queue is at its high-water mark: the driver should stop reading until
   * {@link PipeDriver.resume} (a message already read is still accepted, so
   * the bound is the mark plus what one read brought in).
   */
  deliver(msg: Message): boolean {
    this.inQueue.push(msg);
    if (this.inQueue.length === 1) this.owner.pipeReadable(this);
    if (this.hasReadRoom()) return true;
    this.readFull = true;
    return false;
  }

  /** Drops everything queued to the peer (unbounded linger is not ours). */
  clearOut(): void {
    this.outQueue.clear();
  }

  private hasReadRoom(): boolean {
    return this.receiveHighWaterMark <= 0 || this.inQueue.length < this.receiveHighWaterMark;
  }
}
