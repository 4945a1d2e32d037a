/**
 * A pipe: the socket's side of one peer. It holds the messages going to the
 * peer (bounded by the send high-water mark) and those received from it
 * (bounded by the receive high-water mark). A driver (a ZMTP engine, or the
 * in-process link) moves messages between the pipe and the peer.
 *
 * A pipe made by connect() outlives its connections: messages queued while
 * the peer is down stay here and go out, in order, after the reconnect.
 */
import { Buffer } from "node:buffer";
import { Queue } from "./queue.js";
import type { ZmtpProtocolError } from "./wire/index.js";

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
  /**
   * The send queue reached its high-water mark: take what the transport can
   * buffer now. The mark then bounds what waits beyond the transport's own
   * bounded buffer, as in libzmq, whose I/O thread empties pipes while the
   * application fills them. Optional: a driver without it moves messages
   * at its next turn only.
   */
  drain?(): void;
  /** Ends the connection (after `linger` ms for what is queued; 0 = at once). */
  shutdown?(linger: number): void;
  /**
   * Ends the connection at once because of what the peer sent (the socket
   * found it over a bound), reported with `error` like bad input found by
   * the driver itself. Optional: without it the connection just ends.
   */
  abort?(error: ZmtpProtocolError): void;
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
  /** Set while the driver drains or the owner reacts to room: no re-entry either way. */
  private draining = false;
  driver: PipeDriver | undefined;
  peer: PeerInfo | undefined;
  /** ROUTER: the routing id asked for with `connect(address, {routingId})`. */
  connectRoutingId: Buffer | undefined;
  /** ROUTER: the routing id this peer is known by. */
  routingId: Buffer | undefined;
  /** Set once the pipe is gone for good. */
  detached = false;
  /** Set while the socket's FairQueue holds this pipe among its ready ones (a pipe has one socket, hence one queue). */
  fairQueued = false;
  /**
   * Set for inproc pipes: the arrays queued here reach a receiving socket in
   * this thread as they are, and its application may change them. An
   * engine only reads the parts, so one array can be queued to many pipes.
   */
  readonly handsOnArrays: boolean;

  /**
   * @param owner the socket pattern
   * @param endpoint the endpoint this pipe came from (bind or connect address)
   * @param sendHighWaterMark messages queued to the peer at most; 0 = no limit
   * @param receiveHighWaterMark messages queued from the peer at most; 0 = no limit
   */
  constructor(
    readonly owner: PipeOwner,
    readonly endpoint: string,
    public sendHighWaterMark: number,
    public receiveHighWaterMark: number,
  ) {
    this.handsOnArrays = endpoint.startsWith("inproc://");
  }

  /**
   * New high-water marks (the socket's option changed, as libzmq applies
   * it to existing pipes): a receive queue now under its mark reads again.
   */
  setHighWaterMarks(send: number, receive: number): void {
    this.sendHighWaterMark = send;
    this.receiveHighWaterMark = receive;
    if (this.readFull && this.hasReadRoom()) {
      this.readFull = false;
      this.driver?.resume();
    }
  }

  /** Messages waiting to go out. */
  get outLength(): number {
    return this.outQueue.length;
  }

  /** Messages received and not yet read. */
  get inLength(): number {
    return this.inQueue.length;
  }

  /** True once the receive queue reported full, until the socket reads it below the mark. */
  get receiveFull(): boolean {
    return this.readFull;
  }

  /** True when one more message fits under the send high-water mark. */
  get writable(): boolean {
    return !this.detached && (this.sendHighWaterMark <= 0 || this.outQueue.length < this.sendHighWaterMark);
  }

  // ---- socket side

  /** Queues a message for the peer. The caller checked {@link writable}. */
  write(msg: Message): void {
    this.outQueue.push(msg);
    const length = this.outQueue.length;
    if (length === this.sendHighWaterMark && this.driver && !this.draining) {
      // The caller is sending: it needs no pipeWritable call from inside its own write.
      this.draining = true;
      try {
        this.driver.drain?.();
      } finally {
        this.draining = false;
      }
    }
    if (length === 1) this.driver?.kick();
  }

  /** Ends this peer's connection at once; the socket has given the peer up (ROUTER handover). */
  terminate(): void {
    const driver = this.driver;
    this.driver = undefined;
    driver?.shutdown?.(0);
  }

  /** Ends this peer's connection because of its input; see {@link PipeDriver.abort}. */
  abort(error: ZmtpProtocolError): void {
    const driver = this.driver;
    if (driver?.abort) driver.abort(error);
    else this.terminate();
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
    if (wasFull && msg !== undefined && !this.detached && !this.draining) {
      // The driver is pulling already: a write from the owner must not start a nested drain.
      this.draining = true;
      try {
        this.owner.pipeWritable(this);
      } finally {
        this.draining = false;
      }
    }
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

  /** Drops everything queued to the peer. */
  clearOut(): void {
    this.outQueue.clear();
  }

  /**
   * ZMQ_CONFLATE on the sending side: the newest message replaces whatever
   * still waits for the peer, so the queue never holds more than one and
   * the high-water mark does not apply.
   */
  replaceOut(msg: Message): void {
    this.outQueue.clear();
    this.write(msg);
  }

  private hasReadRoom(): boolean {
    return this.receiveHighWaterMark <= 0 || this.inQueue.length < this.receiveHighWaterMark;
  }
}
