/**
 * A proxy (zmq_proxy; zeromq.js `Proxy`): moves every message from the
 * front-end to the back-end socket and back, as far as the socket types
 * allow (ROUTER-DEALER, XSUB-XPUB, PULL-PUSH...). Each direction awaits its
 * send, so a blocked destination (PUSH, DEALER at their high-water marks)
 * stops reading from the source instead of buffering: the proxy holds at
 * most one message per direction. An optional capture socket gets a copy
 * of every message moved, in both directions.
 */
import { closedError, ZmqError } from "./errors.js";
import type { Message } from "./pipe.js";
import { AS_PROXY, PROXIED, Socket as SocketClass, type Socket } from "./socket/socket.js";

/** Socket types that never receive, or never send, through a proxy. */
const SEND_ONLY = new Set(["PUB", "PUSH"]);
const RECEIVE_ONLY = new Set(["SUB", "PULL"]);

/** Errors after which a direction just drops the message and goes on. */
const DROPPED = new Set(["EHOSTUNREACH", "EAGAIN"]);

/** zeromq.js's checks of a proxy's socket arguments, with its texts. */
function checkSocketArgument(value: unknown, role: string): void {
  if (typeof value !== "object" || value === null) throw new TypeError(`${role} must be a socket object`);
  if (!(value instanceof SocketClass)) throw new Error("Invalid argument");
}

/** Proxies messages between two sockets. */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  private paused = false;
  private resumeWaiters: (() => void)[] = [];
  private running: Promise<void> | undefined;
  private terminated = false;
  /** Set once run() has settled. */
  private ended = false;

  /**
   * @param frontEnd the front-end socket (bind or connect it before run())
   * @param backEnd the back-end socket
   * @param capture optional socket that receives a copy of every message moved
   * @throws TypeError "Front-end must be a socket object" (or back-end) for
   *   a missing or primitive argument, Error "Invalid argument" for an
   *   object that is no socket, as zeromq.js.
   */
  constructor(
    readonly frontEnd: F,
    readonly backEnd: B,
    readonly capture?: Socket,
  ) {
    checkSocketArgument(frontEnd, "Front-end");
    checkSocketArgument(backEnd, "Back-end");
    if (capture !== undefined) checkSocketArgument(capture, "Capture");
  }

  /**
   * Runs the proxy until {@link terminate}(). Meanwhile the front-end and
   * back-end sockets are the proxy's, as in zeromq.js: the application's
   * calls on them throw EBUSY and their close() waits for the end, when
   * the proxy closes them.
   */
  run(): Promise<void> {
    // Thrown at once, with zeromq.js's texts.
    if (!this.frontEnd.hasEndpoints) throw new ZmqError("EINVAL", "Front-end socket must be bound or connected");
    if (!this.backEnd.hasEndpoints) throw new ZmqError("EINVAL", "Back-end socket must be bound or connected");
    if (this.running) return Promise.reject(new ZmqError("EBUSY"));
    const loops: Promise<void>[] = [];
    if (this.canMove(this.frontEnd, this.backEnd)) loops.push(this.pump(this.frontEnd, this.backEnd));
    if (this.canMove(this.backEnd, this.frontEnd)) loops.push(this.pump(this.backEnd, this.frontEnd));
    if (loops.length === 0) {
      return Promise.reject(new ZmqError("EINVAL", `a ${this.frontEnd.socketType} and a ${this.backEnd.socketType} socket cannot be proxied`));
    }
    // The sockets are the proxy's while it runs, as in zeromq.js (PROXIED).
    this.frontEnd[PROXIED](true);
    this.backEnd[PROXIED](true);
    this.running = Promise.all(loops).then(
      () => this.finish(),
      (err: unknown) => {
        this.finish();
        throw err;
      },
    );
    return this.running;
  }

  /** Suspends the traffic (messages wait in the sockets) until {@link resume}(). Throws EBADF unless running. */
  pause(): void {
    this.assertRunning();
    this.paused = true;
  }

  /** Resumes the traffic after {@link pause}(). Throws EBADF unless running. */
  resume(): void {
    this.assertRunning();
    this.unpause();
  }

  private unpause(): void {
    this.paused = false;
    const waiters = this.resumeWaiters;
    this.resumeWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Stops the proxy and closes the front-end and back-end sockets; run()
   * then resolves. Throws EBADF before run() and once terminated, as
   * zeromq.js does.
   */
  terminate(): void {
    this.assertRunning();
    this.terminated = true;
    this.closeSockets();
    this.unpause();
  }

  /** zeromq.js's proxy takes commands only while it runs. */
  private assertRunning(): void {
    if (!this.running || this.terminated || this.ended) throw closedError();
  }

  private canMove(from: Socket, to: Socket): boolean {
    return !SEND_ONLY.has(from.socketType) && !RECEIVE_ONLY.has(to.socketType);
  }

  /** One direction: receive, (wait while paused), capture, send; until a socket closes. */
  private async pump(from: Socket, to: Socket): Promise<void> {
    for (;;) {
      let msg: Message;
      try {
        msg = await from[AS_PROXY](() => from.receive());
      } catch (err) {
        if (this.ends(err, from, to)) return;
        throw err;
      }
      while (this.paused && !this.terminated) await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
      if (this.terminated) return;
      try {
        if (this.capture && !this.capture.closed) await this.capture.send(msg.slice());
        await to[AS_PROXY](() => to.send(msg));
      } catch (err) {
        if (this.ends(err, from, to)) return;
        if (!DROPPED.has((err as ZmqError).code)) throw err;
      }
    }
  }

  /** A closed socket ends the direction: EBADF, or EAGAIN from the call close() cancelled. */
  private ends(err: unknown, from: Socket, to: Socket): boolean {
    const code = (err as ZmqError)?.code;
    return this.terminated || code === "EBADF" || (code === "EAGAIN" && (from.closed || to.closed));
  }

  private finish(): void {
    this.ended = true;
    this.closeSockets();
  }

  private closeSockets(): void {
    for (const socket of [this.frontEnd, this.backEnd]) {
      socket[PROXIED](false);
      socket.close();
    }
  }
}
