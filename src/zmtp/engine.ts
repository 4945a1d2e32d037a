/**
 * One ZMTP connection over a byte stream (a net.Socket for tcp:// and
 * ipc://, a WebSocket's messages translated for ws://). Runs the
 * greeting, the mechanism's handshake, the socket-type check, heartbeats (RFC 37 PING/PONG) and the traffic phase, moving
 * messages between the stream and a {@link Pipe}.
 *
 * Writes are batched: messages queued in one turn of the event loop are
 * encoded into one buffer and written with one call. Reading stops while the
 * pipe's receive queue is full, so a slow consumer pushes back on the peer
 * through TCP instead of growing memory.
 */
import { Buffer } from "node:buffer";
import type { ByteStream } from "./byte-stream.js";
import {
  FLAG_COMMAND, FLAG_MORE, FrameDecoder, FrameEncoder, GreetingReader, ZmtpProtocolError,
  compatibleSocketTypes, decodeCommand, decodeError, decodeGroupCommand, decodePing, encodeCommand, encodeGreeting,
  encodePing, encodePong, type FrameCipher, type FrameLimits, type FrameSink, type Mechanism, type MechanismFactory, type Metadata,
  type Property, type SocketTypeName,
} from "./wire/index.js";
import { malformed } from "./wire/errors.js";
import type { Message, PeerInfo, Pipe, PipeDriver } from "./pipe.js";
import { inputPolled } from "./turn-budget.js";
import { canReadDirect, readDirect, type DirectSink } from "./direct-read.js";
import { afterThisJob } from "./microtask.js";

/** Settings of one connection, taken from the socket's options. */
export interface EngineOptions {
  socketType: SocketTypeName;
  /** Our Identity property (REQ, DEALER, ROUTER). */
  identity: Buffer | undefined;
  mechanism: MechanismFactory;
  /** Largest message (the sum of its frames) accepted from the peer, -1 for no limit. */
  maxMessageSize: number;
  /** Most frames in one message from the peer, -1 for no limit. */
  maxMessageParts: number;
  /**
   * Largest command accepted from the peer once connected, -1 for no limit;
   * absent: {@link COMMAND_SIZE_LIMIT}. PUB and XPUB raise it to carry the
   * subscriptions they accept. `maxMessageSize` caps it too, as in libzmq.
   */
  maxCommandSize?: number;
  /** Milliseconds of silence after the handshake before the connection is closed; 0 = never. */
  idleTimeout: number;
  /** Milliseconds allowed for the greeting and handshake; 0 = no limit. */
  handshakeTimeout: number;
  /** Milliseconds between our PINGs; 0 = none. */
  heartbeatInterval: number;
  /** Milliseconds to wait for traffic after a PING; 0 = the interval. */
  heartbeatTimeout: number;
  /** TTL announced in our PINGs, milliseconds; 0 = none. */
  heartbeatTimeToLive: number;
  /** Remote address, for mechanisms and events. */
  address: string;
}

/** What a transport holds of a connection's engine (ZMTP, or raw for STREAM). */
export interface ConnectionEngine {
  /** Ends the connection after `linger` ms for what is queued (0 = at once, -1 = no limit). */
  shutdown(linger: number): void;
}

/** Where a connection's life is reported. */
export interface EngineHost {
  /**
   * The handshake succeeded. Returns the pipe that carries this connection's
   * messages, or a reason to refuse the peer (the connection closes).
   */
  engineReady(engine: ConnectionEngine, peer: PeerInfo): Pipe | string;
  /**
   * The connection ended. `error` is set when it ended because of the peer's
   * behaviour (protocol error, refused handshake, silent peer) rather than
   * a plain disconnect; `handshaken` says whether it ever got that far.
   */
  engineClosed(engine: ConnectionEngine, error: ZmtpProtocolError | undefined, handshaken: boolean): void;
}

const enum Phase {
  Greeting,
  Handshake,
  Ready,
  Closed,
}

/** Stop pulling from the pipe while this much is waiting in the stream. */
const WRITE_BUFFER_LIMIT = 256 * 1024;
/**
 * How long a closed connection may go on writing what it had queued (an
 * ERROR command, unread PONGs) before it is destroyed: a peer that never
 * reads would otherwise keep the descriptor and the buffers for ever, out
 * of maxConnections' count since the engine is gone.
 */
const UNREAD_GRACE_MS = 1000;
/**
 * Reads after which a connection counts as busy and reads into buffers of
 * its own (direct-read.ts): each of node:net's own reads allocates 64 KiB,
 * shrinks it to what came and emits a stream event, on every message of a
 * round trip. A connection that has read less keeps node:net's reads,
 * which hold nothing while it is idle.
 */
const BUSY_READS = 64;
/** Handshake commands are small; refuse a huge one before buffering it. */
const HANDSHAKE_FRAME_LIMIT = 64 * 1024;
/**
 * Commands after the handshake (PING, PONG, ERROR, unknown ones) are small
 * too; only a publisher's SUBSCRIBE/CANCEL may need more (see
 * {@link EngineOptions.maxCommandSize}).
 */
export const COMMAND_SIZE_LIMIT = 64 * 1024;
/** RFC 23: an Identity property is at most 255 octets. */
const IDENTITY_MAX = 255;

/** The identity of a peer that announced none: one for all, it has no octets to change. */
const NO_IDENTITY = Buffer.alloc(0);

/** What a MESSAGE command adds to the frame it seals (RFC 26): name, nonce, tag, flags. */
const SEALED_OVERHEAD = 8 + 8 + 16 + 1;

/** The limits on sealed frames that let through the frames `limits` allows once opened. */
function sealedLimits(limits: FrameLimits): FrameLimits {
  const grow = (n: number) => (n < 0 ? n : n + SEALED_OVERHEAD);
  return { maxMessageSize: grow(limits.maxMessageSize), maxMessageParts: -1, maxCommandSize: grow(limits.maxCommandSize) };
}

/** The tighter of two limits where -1 means none. */
function tighter(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}

/**
 * Why a connection ended before its handshake completed, as libzmq reports
 * it (`handshake:error:other`): a reset keeps its code, anything else is a
 * broken pipe.
 */
function lostInHandshake(streamError: Error | undefined): ZmtpProtocolError {
  return (streamError as NodeJS.ErrnoException | undefined)?.code === "ECONNRESET"
    ? new ZmtpProtocolError("connection reset by the peer during the handshake", "ECONNRESET")
    : new ZmtpProtocolError("connection closed by the peer during the handshake", "EPIPE");
}

/** Runs one ZMTP connection. */
export class Engine implements PipeDriver, FrameSink, ConnectionEngine {
  private phase = Phase.Greeting;
  // What only the greeting and the handshake need is dropped after them:
  // a server may hold many thousands of idle connections.
  private greeting: GreetingReader | undefined = new GreetingReader();
  private readonly decoder: FrameDecoder;
  private readonly encoder = new FrameEncoder();
  /** The handshake's mechanism (and the callbacks it holds); undefined once it is over. */
  private mechanism: Mechanism | undefined;
  /** Seals and opens every frame after the handshake (CURVE); undefined for NULL and PLAIN. */
  private cipher: FrameCipher | undefined;
  private pipe: Pipe | undefined;
  /** The frames of a multipart message being received (none held between messages). */
  private parts: Buffer[] | undefined;
  private flushScheduled = false;
  /**
   * Set once a kick flushed in a microtask; later kicks batch at the next
   * tick until input from the peer starts a new turn (see kick()).
   */
  private wroteThisTick = false;
  private waitingDrain = false;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private ttlTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /**
   * Set while reading is stopped because our writes to the peer are over
   * WRITE_BUFFER_LIMIT: what the peer sends may need an answer (a PONG), and
   * a peer that does not read must not make us queue answers without end.
   */
  private outputHeld = false;
  /** The stream's last error, which tells how a connection lost in the handshake ended. */
  private streamError: Error | undefined;
  /** Set by shutdown(): end the connection once the pipe is drained. */
  private closing = false;
  /** Counts chunks received; timers compare it to tell a live peer. */
  private received = 0;
  /** Set once the stream reads where the decoder says (direct-read.ts). */
  private readingDirect = false;
  /** ZMTP minor version of the peer. */
  peerMinor = 0;

  constructor(
    readonly stream: ByteStream,
    readonly options: EngineOptions,
    private readonly host: EngineHost,
  ) {
    const metadata: Property[] = [["Socket-Type", options.socketType]];
    if (options.identity !== undefined) metadata.push(["Identity", options.identity]);
    const mechanism = options.mechanism({ metadata, address: options.address });
    this.mechanism = mechanism;
    this.decoder = new FrameDecoder(this);
    this.decoder.setLimits({ maxMessageSize: HANDSHAKE_FRAME_LIMIT, maxMessageParts: 1, maxCommandSize: HANDSHAKE_FRAME_LIMIT });

    stream.setNoDelay(true);
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    this.decoder.allowDirect = canReadDirect(stream);
    stream.on("error", (err) => {
      // A stream that reads messages rather than octets (ws://) finds some
      // of the peer's protocol errors itself; other errors end the engine
      // through the close event that follows.
      if (err instanceof ZmtpProtocolError) this.close(err);
      else this.streamError = err;
    });
    // Reached only when the connection ends by itself: shutdown() closes the engine first.
    stream.on("close", () => this.close(this.phase === Phase.Ready ? undefined : lostInHandshake(this.streamError)));
    stream.on("drain", () => {
      this.waitingDrain = false;
      if (this.outputHeld) {
        this.outputHeld = false;
        if (!this.pipe?.receiveFull) this.resume();
      }
      this.flush();
    });
    if (options.handshakeTimeout > 0) {
      this.handshakeTimer = setTimeout(
        () => this.close(new ZmtpProtocolError(`handshake not completed within ${options.handshakeTimeout} ms`, "ETIMEDOUT")),
        options.handshakeTimeout,
      ).unref();
    }
    // Our whole greeting goes out at once; we never wait for the peer's first.
    stream.write(encodeGreeting(mechanism.name, mechanism.asServer));
  }

  // ---- PipeDriver

  kick(): void {
    if (this.flushScheduled || this.phase !== Phase.Ready) return;
    this.flushScheduled = true;
    if (!this.wroteThisTick && this.stream.writableLength === 0) {
      // The first message of a turn on an idle connection goes out as soon
      // as the current job ends (a microtask, not the next tick): a lone
      // request or reply (REQ/REP, RPC) waits for nothing else. Later kicks
      // of the same turn batch at the next tick, so a burst of sends still
      // costs one write, not one per message. Input from the peer is what
      // starts a new turn here (onData clears the flag): a request or reply
      // answers input, and a sender with no input gains nothing from the
      // microtask, so this costs no tick of its own to reset.
      this.wroteThisTick = true;
      afterThisJob(this.scheduledFlush);
      return;
    }
    process.nextTick(this.scheduledFlush);
  }

  /** One bound callback for every kick, instead of a closure per kick. */
  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  resume(): void {
    if (this.phase !== Phase.Closed && !this.outputHeld) this.stream.resume();
  }

  /** Ends the connection because of what the peer sent (the socket found it over a bound). */
  abort(error: ZmtpProtocolError): void {
    this.close(error);
  }

  drain(): void {
    // The pipe is at its high-water mark: move what fits into the stream now,
    // as libzmq's I/O thread would, instead of at the end of the turn.
    this.flush();
  }

  /**
   * Ends the connection after the pipe's queued messages are written, or
   * after `linger` ms (-1: no limit, 0: at once).
   */
  shutdown(linger: number): void {
    if (this.phase !== Phase.Ready || linger === 0) {
      this.close(undefined);
      // Linger 0 discards what is still buffered, as libzmq does.
      if (linger === 0) this.stream.destroy();
      return;
    }
    this.closing = true;
    if (linger > 0) {
      // At the linger deadline the rest is dropped: destroySoon alone would
      // wait forever on a peer that reads nothing.
      this.lingerTimer = setTimeout(() => {
        this.close(undefined);
        this.stream.destroy();
      }, linger).unref();
    }
    this.flush();
  }

  /** Ends the connection; `error` tells why when the peer is at fault. */
  close(error: ZmtpProtocolError | undefined): void {
    if (this.phase === Phase.Closed) return;
    const handshaken = this.phase === Phase.Ready;
    this.phase = Phase.Closed;
    // Format the stack now: until then V8 keeps the frames' receivers (this
    // engine, its decoder and the chunks they hold) alive for as long as the
    // error is, and the error lives on in the socket's event queue.
    if (error) void error.stack;
    clearTimeout(this.handshakeTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.ttlTimer);
    clearTimeout(this.lingerTimer);
    clearTimeout(this.idleTimer);
    this.mechanism?.close?.();
    if (this.pipe?.driver === this) this.pipe.driver = undefined;
    this.parts = undefined;
    this.decoder.dispose();
    if (error) this.stream.refused?.(error);
    // Send what is already encoded (an ERROR command, say), then close.
    const pending = this.encoder.take();
    for (const buf of pending) this.stream.write(buf);
    this.stream.destroySoon();
    if (this.stream.writableLength > 0) {
      const stream = this.stream;
      setTimeout(() => stream.destroy(), UNREAD_GRACE_MS).unref();
    }
    this.host.engineClosed(this, error, handshaken);
  }

  // ---- input

  private onData(chunk: Buffer): void {
    this.input();
    try {
      if (this.phase === Phase.Greeting) {
        const done = this.greeting!.push(chunk);
        if (!done) return;
        this.greeting = undefined;
        const g = done.greeting;
        const mechanism = this.mechanism!;
        if (g.mechanism !== mechanism.name) {
          throw new ZmtpProtocolError(`peer uses the ${g.mechanism} mechanism, this socket uses ${mechanism.name}`, "ERR_ZMTP_MECHANISM_MISMATCH");
        }
        mechanism.checkPeer?.(g.asServer);
        this.peerMinor = g.major > 3 ? 1 : g.minor;
        this.phase = Phase.Handshake;
        mechanism.start({
          sendCommand: (body) => this.sendCommand(body),
          ready: (metadata, userId) => this.onHandshake(metadata, userId),
          fail: (error) => this.close(error),
        });
        if (done.rest.length === 0 || this.phase !== Phase.Handshake) return;
        chunk = done.rest;
      }
      if (this.phase === Phase.Closed) return;
      const decoder = this.decoder;
      decoder.push(chunk);
      // A large body has begun in a buffer of its own (read its rest there),
      // or the connection has shown itself busy: read into our own buffers.
      if (!this.readingDirect && decoder.allowDirect && (this.received >= BUSY_READS || decoder.directTarget() !== undefined)) {
        this.readingDirect = readDirect(this.stream, this.directSink);
      }
    } catch (err) {
      this.inputFailed(err);
    }
  }

  /** Bookkeeping of every read from the peer. */
  private input(): void {
    this.received++;
    // Input means the event loop has just polled: a new turn.
    this.wroteThisTick = false;
    inputPolled();
  }

  private inputFailed(err: unknown): void {
    // Only a ZmtpProtocolError is the peer's doing. Anything else is a
    // failure of ours while handling its input: the connection ends, but
    // as EINTERNAL, which does not stop reconnection for good the way a
    // protocol error does (a bug here must not look like a refusal there).
    this.close(err instanceof ZmtpProtocolError ? err : internalError(err));
  }

  /** How a stream switched by readDirect() feeds this engine. */
  private readonly directSink: DirectSink = {
    directTarget: () => (this.phase === Phase.Closed ? undefined : this.decoder.directTarget()),
    filled: (n) => {
      this.input();
      try {
        if (this.phase !== Phase.Closed) this.decoder.filled(n);
      } catch (err) {
        this.inputFailed(err);
      }
    },
    received: (chunk) => this.onData(chunk),
  };

  /** FrameSink: one frame from the peer. */
  onFrame(body: Buffer, flags: number): void {
    if (this.phase === Phase.Ready) {
      if (this.cipher !== undefined) {
        body = this.cipher.open(body);
        flags = this.cipher.flags;
      }
      if ((flags & FLAG_COMMAND) === 0) {
        if ((flags & FLAG_MORE) !== 0) {
          (this.parts ??= []).push(body);
          return;
        }
        // The common single-frame message needs no assembly array.
        let msg: Buffer[];
        if (this.parts === undefined) {
          msg = [body];
        } else {
          msg = this.parts;
          msg.push(body);
          this.parts = undefined;
        }
        if (this.pipe && !this.pipe.deliver(msg)) this.stream.pause();
        return;
      }
      // A command between the frames of a message (libzmq can slip a
      // heartbeat PING there when a batch ends mid-message) is handled on its
      // own and leaves the message being assembled untouched, as libzmq does.
      this.onCommand(body);
      // The same back-pressure rule for every command: while the peer does
      // not read what we write (PONGs included), we stop reading from it.
      if (this.stream.writableLength > WRITE_BUFFER_LIMIT && !this.outputHeld && this.phase === Phase.Ready) {
        this.outputHeld = true;
        this.stream.pause();
      }
    } else if (this.phase === Phase.Handshake) {
      if ((flags & FLAG_COMMAND) === 0) throw malformed("message frame received before the handshake completed", "ERR_ZMTP_UNEXPECTED_COMMAND");
      const mechanism = this.mechanism!;
      mechanism.onCommand(mechanism.decode ? mechanism.decode(body) : decodeCommand(body));
    }
  }

  private onCommand(body: Buffer): void {
    const cmd = decodeCommand(body);
    switch (cmd.name) {
      case "PING": {
        const { ttl, context } = decodePing(cmd.data);
        this.sendCommand(encodePong(context));
        if (ttl > 0) this.watchTtl(ttl * 100);
        return;
      }
      case "PONG":
        return;
      case "ERROR":
        throw new ZmtpProtocolError(`peer sent ERROR: ${decodeError(cmd.data)}`, "EPEERERROR");
      case "SUBSCRIBE":
      case "CANCEL":
        // Publishers see both subscription forms as messages (RFC 29 form).
        if (this.options.socketType === "PUB" || this.options.socketType === "XPUB") {
          const msg = Buffer.allocUnsafe(cmd.data.length + 1);
          msg[0] = cmd.name === "SUBSCRIBE" ? 1 : 0;
          cmd.data.copy(msg, 1);
          // Bounded like messages: an XPUB application that stops reading
          // subscriptions stops the reading from a peer that floods them.
          if (this.pipe && !this.pipe.deliver([msg])) this.stream.pause();
        }
        return;
      case "JOIN":
      case "LEAVE":
        // A radio takes a dish's groups as messages holding the command
        // body (the form a dish's pipe carries them in, inproc as here);
        // others ignore them, as libzmq does.
        if (this.options.socketType === "RADIO") {
          decodeGroupCommand(body); // refuses an oversized group, ending the connection
          if (this.pipe && !this.pipe.deliver([Buffer.from(body)])) this.stream.pause();
        }
        return;
      default:
        return; // unknown commands are ignored (RFC 37)
    }
  }

  private onHandshake(metadata: Metadata, userId: string | undefined): void {
    if (this.phase !== Phase.Handshake) return;
    const type = metadata.get("socket-type")?.toString("latin1");
    if (type === undefined) {
      this.close(new ZmtpProtocolError("peer sent no Socket-Type property", "ESOCKETTYPE"));
      return;
    }
    if (!compatibleSocketTypes(this.options.socketType, type)) {
      this.close(new ZmtpProtocolError(`a ${this.options.socketType} socket cannot talk to a ${type} peer`, "ESOCKETTYPE"));
      return;
    }
    const announced = metadata.get("identity");
    if (announced !== undefined && announced.length > IDENTITY_MAX) {
      this.close(malformed(`peer sent an Identity of ${announced.length} octets; at most ${IDENTITY_MAX} are allowed`, "ERR_ZMTP_INVALID_METADATA"));
      return;
    }
    // A copy: the property is a view into the received chunk, which the
    // connection would otherwise keep alive for as long as it lasts; and
    // not from Node's shared pool, where it would keep a whole 8 KiB slab.
    let identity = NO_IDENTITY;
    if (announced !== undefined && announced.length > 0) {
      identity = Buffer.allocUnsafeSlow(announced.length);
      announced.copy(identity);
    }
    const result = this.host.engineReady(this, { socketType: type, identity, minor: this.peerMinor, userId });
    if (typeof result === "string") {
      this.close(new ZmtpProtocolError(result));
      return;
    }
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.phase = Phase.Ready;
    const o = this.options;
    const limits: FrameLimits = {
      maxMessageSize: o.maxMessageSize,
      maxMessageParts: o.maxMessageParts,
      maxCommandSize: tighter(o.maxMessageSize, o.maxCommandSize ?? COMMAND_SIZE_LIMIT),
    };
    this.cipher = this.mechanism!.cipher;
    // The handshake is over: nothing is pending in the mechanism (the
    // cipher, if any, is held on its own).
    this.mechanism = undefined;
    if (this.cipher === undefined) {
      this.decoder.setLimits(limits);
    } else {
      // The limits bound what the sealed frames hold; the frames on the
      // wire are each one sealed frame, a little larger.
      this.cipher.setLimits(limits);
      this.decoder.setLimits(sealedLimits(limits));
    }
    this.pipe = result;
    result.driver = this;
    this.startHeartbeats();
    this.watchIdle();
    this.flush();
  }

  // ---- output

  private sendCommand(body: Buffer): void {
    if (this.phase === Phase.Ready) {
      this.encodeCommand(body);
      this.kick();
    } else {
      this.encoder.command(body);
      this.writeOut();
    }
  }

  /** Appends a command of the traffic phase, sealed when the mechanism says so. */
  private encodeCommand(body: Buffer): void {
    if (this.cipher === undefined) this.encoder.command(body);
    else this.encoder.frame(this.cipher.seal(body, FLAG_COMMAND), 0);
  }

  /** Appends a message of the traffic phase, each part sealed when the mechanism says so. */
  private encodeMessage(msg: Message): void {
    const cipher = this.cipher;
    if (cipher === undefined) {
      this.encoder.message(msg);
      return;
    }
    const last = msg.length - 1;
    for (let i = 0; i <= last; i++) this.encoder.frame(cipher.seal(msg[i]!, i < last ? FLAG_MORE : 0), 0);
  }

  /** Moves messages from the pipe to the stream, up to the buffer limit. */
  private flush(): void {
    if (this.phase !== Phase.Ready) return;
    const pipe = this.pipe;
    if (pipe && !this.waitingDrain) {
      const subscriber = this.peerMinor >= 1 && (this.options.socketType === "SUB" || this.options.socketType === "XSUB");
      // A dish sends nothing but its JOIN and LEAVE command bodies.
      const dish = this.options.socketType === "DISH";
      const room = WRITE_BUFFER_LIMIT - this.stream.writableLength;
      let msg: Message | undefined;
      while (room > this.encoder.pendingBytes && (msg = pipe.takeOut()) !== undefined) {
        if (dish) {
          this.encodeCommand(msg[0]!);
        } else if (subscriber && msg.length === 1 && msg[0]!.length > 0 && msg[0]![0]! <= 1) {
          // ZMTP 3.1 peers get subscriptions as commands.
          const topic = msg[0]!.subarray(1);
          this.encodeCommand(encodeCommand(msg[0]![0] === 1 ? "SUBSCRIBE" : "CANCEL", topic));
        } else {
          this.encodeMessage(msg);
        }
      }
    }
    this.writeOut();
    if (pipe && pipe.outLength > 0) this.waitingDrain = true;
    else if (this.closing) this.stream.destroySoon();
  }

  private writeOut(): void {
    const bufs = this.encoder.take();
    if (bufs.length === 0) {
      // Nothing new (a flush after "drain"): what was written before has
      // been consumed once the stream is empty, so the chunk can go back.
      if (this.stream.writableLength === 0) this.encoder.rewind();
      return;
    }
    const last = bufs.length - 1;
    if (last === 0) {
      this.stream.write(bufs[0]!, this.written);
    } else {
      this.stream.cork();
      for (let i = 0; i < last; i++) this.stream.write(bufs[i]!);
      this.stream.write(bufs[last]!, this.written);
      this.stream.uncork();
    }
    // Nothing left in the stream: the write completed at once and the kernel
    // has its own copy, so the encoder may reuse its chunk.
    if (this.stream.writableLength === 0) this.encoder.rewind();
  }

  /**
   * A batch was handed on. One that did not complete at once would
   * otherwise leave the chunk with this connection until its next write,
   * which for a connection gone quiet is never.
   */
  private readonly written = (): void => {
    if (this.stream.writableLength === 0) this.encoder.rewind();
  };

  // ---- heartbeats (RFC 37)

  private startHeartbeats(): void {
    const { heartbeatInterval: ivl, heartbeatTimeout, heartbeatTimeToLive } = this.options;
    if (ivl <= 0) return;
    const timeout = heartbeatTimeout > 0 ? heartbeatTimeout : ivl;
    this.heartbeatTimer = setInterval(() => {
      this.sendCommand(encodePing(heartbeatTimeToLive / 100));
      // A deadline already running since an earlier PING is kept, not pushed
      // back: otherwise a timeout longer than the interval would never expire.
      if (this.pongTimer !== undefined) return;
      const seen = this.received;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        if (this.received === seen) {
          this.close(new ZmtpProtocolError(`no traffic from the peer within ${timeout} ms of a PING`, "ETIMEDOUT"));
        }
      }, timeout).unref();
    }, ivl).unref();
  }

  /**
   * idleTimeout: a peer that sent nothing (not even a heartbeat) for that
   * long is closed, so that idle connections cannot hold the slots of
   * maxConnections for ever. Checked once per period against the count of
   * chunks received: the close comes between one and two periods after the
   * last traffic, at the cost of one timer per period, not one per chunk.
   */
  private watchIdle(): void {
    const ms = this.options.idleTimeout;
    if (!(ms > 0)) return;
    const seen = this.received;
    this.idleTimer = setTimeout(() => {
      if (this.received !== seen) this.watchIdle();
      else this.close(new ZmtpProtocolError(`no traffic from the peer for ${ms} ms (idleTimeout)`, "ETIMEDOUT"));
    }, ms);
  }

  private watchTtl(ms: number): void {
    const seen = this.received;
    clearTimeout(this.ttlTimer);
    this.ttlTimer = setTimeout(() => {
      if (this.received === seen) this.close(new ZmtpProtocolError(`peer silent past the ${ms} ms TTL of its PING`, "ETIMEDOUT"));
    }, ms).unref();
  }
}

/** A failure of ours while handling the peer's input, reported without blaming the peer. */
function internalError(err: unknown): ZmtpProtocolError {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ZmtpProtocolError(`internal error while handling the peer's input: ${message}`, "EINTERNAL", { cause: err });
}
