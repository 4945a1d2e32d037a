/**
 * inproc:// within one Context: no encoding, no handshake. Messages move
 * between the two sockets' pipes by reference, in batches once per tick.
 * Bind and connect work in either order: a connect to a name not yet bound
 * waits (with its pipe already queueing, unless `immediate`). The default
 * context's names also reach other worker threads (see inproc-thread.ts).
 */
import { Buffer } from "node:buffer";
import { ZmqError } from "../errors.js";
import type { Pipe, PipeDriver } from "../pipe.js";
import { compatibleSocketTypes } from "../wire/index.js";
import { ThreadInproc, type Closable } from "./inproc-thread.js";
import type { InprocOwner } from "./owner.js";
import { ownOption } from "../closed-options.js";

/** Moves messages from one pipe's send queue to the other's receive queue. */
class Transfer implements PipeDriver {
  private scheduled = false;
  constructor(
    private readonly from: Pipe,
    private readonly to: Pipe,
    private readonly link: InprocLink,
  ) {}

  /** `from` is at its high-water mark: move what `to` can take now. */
  drain(): void {
    this.run();
  }

  shutdown(linger: number): void {
    this.link.close(linger);
  }

  /** `from` has new messages. */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.run());
  }

  /** The transfer the other way, into `from`. */
  reverse: Transfer | undefined;

  /** `from` (this driver's pipe) can receive again: restart the transfer into it. */
  resume(): void {
    this.reverse?.kick();
  }

  run(): void {
    this.scheduled = false;
    const to = this.to;
    let msg: Buffer[] | undefined;
    // Nothing moves while `to` is full: its resume() restarts the transfer.
    while (!to.detached && !to.receiveFull && (msg = this.from.takeOut()) !== undefined) {
      if (!to.deliver(msg)) break;
    }
  }
}

/** The inproc endpoints of a Context. */
export class InprocRegistry {
  private readonly bound = new Map<string, InprocOwner>();
  private readonly waiting = new Map<string, InprocLink[]>();
  private readonly links = new Map<InprocOwner, Set<Closable>>();
  /** Set for a process-wide registry: names reachable from other worker threads. */
  private threads: ThreadInproc | undefined;

  /** Makes this registry's names reachable from every worker thread (the default context's). */
  shareAcrossThreads(): void {
    this.threads ??= new ThreadInproc(this);
  }

  /** @internal Closes `end` with `binder`; returns how to forget it. */
  track(binder: InprocOwner, end: Closable): () => void {
    let set = this.links.get(binder);
    if (!set) this.links.set(binder, (set = new Set()));
    set.add(end);
    return () => this.links.get(binder)?.delete(end);
  }

  bind(name: string, socket: InprocOwner): void {
    if (this.bound.has(name)) throw new ZmqError("EADDRINUSE", undefined, `inproc://${name}`);
    this.bound.set(name, socket);
    const waiting = this.waiting.get(name) ?? [];
    this.waiting.delete(name);
    for (const link of waiting) this.join(link, socket, name);
    this.threads?.announce(name);
  }

  unbind(name: string, socket: InprocOwner): void {
    if (this.bound.get(name) !== socket) return;
    this.bound.delete(name);
    this.threads?.withdraw(name);
    if (socket.closed) {
      for (const link of this.links.get(socket) ?? []) link.close(0);
      this.links.delete(socket);
    }
  }

  connect(name: string, socket: InprocOwner, address: string, connectRoutingId: Buffer | undefined): InprocLink {
    const link: InprocLink = new InprocLink(socket, address, connectRoutingId, () => this.forget(name, link));
    const binder = this.bound.get(name);
    if (binder) this.join(link, binder, name);
    else {
      this.waiting.set(name, [...(this.waiting.get(name) ?? []), link]);
      this.threads?.request(name, link, () => this.forget(name, link));
    }
    return link;
  }

  /** Sockets bound here, by name (read by the ZAP client). */
  lookup(name: string): InprocOwner | undefined {
    return this.bound.get(name);
  }

  private join(link: InprocLink, binder: InprocOwner, name: string): void {
    let set = this.links.get(binder);
    if (!set) this.links.set(binder, (set = new Set()));
    set.add(link);
    link.join(binder, `inproc://${name}`);
  }

  private forget(name: string, link: InprocLink): void {
    const w = this.waiting.get(name);
    if (w) this.waiting.set(name, w.filter((l) => l !== link));
    for (const set of this.links.values()) set.delete(link);
  }
}

/** One inproc connection, owned by the connecting socket. */
export class InprocLink {
  private local: Pipe | undefined;
  private remote: Pipe | undefined;
  private binder: InprocOwner | undefined;
  private threadJoined = false;
  /** @internal Set once closed. */
  closed = false;
  /** @internal The far side in another thread, or the search for it. */
  threadEnd: { close(linger: number): void } | undefined;

  constructor(
    /** @internal The connecting socket. */
    readonly socket: InprocOwner,
    readonly address: string,
    private readonly connectRoutingId: Buffer | undefined,
    private readonly onClose: () => void,
  ) {
    if (!ownOption(socket, "immediate")) this.local = this.localPipe();
  }

  /** The bound socket is there: make its pipe and start moving messages. */
  join(binder: InprocOwner, bindAddress: string): void {
    if (this.closed || this.linked) return;
    this.threadEnd?.close(0); // found in this thread: stop looking elsewhere
    this.threadEnd = undefined;
    const socket = this.socket;
    if (!compatibleSocketTypes(socket.socketType, binder.socketType)) {
      const error = Object.assign(new Error(`a ${socket.socketType} socket cannot talk to a ${binder.socketType} peer`), { code: "ESOCKETTYPE" });
      socket.emit({ type: "handshake:error:protocol", address: this.address, error });
      binder.emit({ type: "handshake:error:protocol", address: bindAddress, error });
      return;
    }
    this.binder = binder;
    const local = this.local ?? (this.local = this.localPipe());
    const remote = (this.remote = binder.openPipe(bindAddress));
    const out = new Transfer(local, remote, this);
    const back = new Transfer(remote, local, this);
    out.reverse = back;
    back.reverse = out;
    local.driver = out;
    remote.driver = back;
    const refusedHere = socket.pipeHandshake(local, { socketType: binder.socketType, identity: binder.identityOctets(), minor: 1 });
    const refusedThere = binder.pipeHandshake(remote, { socketType: socket.socketType, identity: socket.identityOctets(), minor: 1 });
    if (refusedHere !== undefined || refusedThere !== undefined) {
      this.close(0);
      return;
    }
    socket.emit({ type: "connect", address: this.address });
    socket.emit({ type: "handshake", address: this.address });
    binder.emit({ type: "accept", address: bindAddress });
    binder.emit({ type: "handshake", address: bindAddress });
    local.driver.kick();
    remote.driver.kick();
  }

  /** Ends the link; with linger, what is queued is moved across first. */
  close(linger: number): void {
    if (this.closed) return;
    this.closed = true;
    this.threadEnd?.close(linger);
    if (linger !== 0) {
      if (this.local?.driver instanceof Transfer) this.local.driver.run();
      if (this.remote?.driver instanceof Transfer) this.remote.driver.run();
    }
    if (this.local) this.socket.closePipe(this.local);
    if (this.remote && this.binder) this.binder.closePipe(this.remote);
    this.onClose();
  }

  /** @internal True once joined to a binder, here or in another thread. */
  get linked(): boolean {
    return this.binder !== undefined || this.threadJoined;
  }

  /** @internal The pipe for a binder in another thread (made now if `immediate` delayed it). */
  pipeForThread(): Pipe {
    this.threadJoined = true;
    return this.local ?? (this.local = this.localPipe());
  }

  private localPipe(): Pipe {
    const pipe = this.socket.openPipe(this.address, this.connectRoutingId);
    return pipe;
  }
}
