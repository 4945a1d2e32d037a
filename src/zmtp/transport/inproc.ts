/**
 * inproc:// within one Context: no encoding, no handshake. Messages move
 * between the two sockets' pipes by reference, in batches once per tick.
 * Bind and connect work in either order: a connect to a name not yet bound
 * waits (with its pipe already queueing, unless `immediate`).
 */
import { ZmqError } from "../errors.js";
import type { Pipe, PipeDriver } from "../pipe.js";
import type { Socket } from "../socket/socket.js";
import { compatibleSocketTypes } from "../wire/index.js";

/** Moves messages from one pipe's send queue to the other's receive queue. */
class Transfer implements PipeDriver {
  private scheduled = false;
  constructor(
    private readonly from: Pipe,
    private readonly to: Pipe,
  ) {}

  /** `from` has new messages. */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.run());
  }

  /** `to` has room again: what waits in `from` may move. */
  resume(): void {
    this.kick();
  }

  run(): void {
    this.scheduled = false;
    const to = this.to;
    let msg: Buffer[] | undefined;
    while (!to.detached && (msg = this.from.takeOut()) !== undefined) {
      if (!to.deliver(msg)) break;
    }
  }
}

/** The inproc endpoints of a Context. */
export class InprocRegistry {
  private readonly bound = new Map<string, Socket>();
  private readonly waiting = new Map<string, InprocLink[]>();
  private readonly links = new Map<Socket, Set<InprocLink>>();

  bind(name: string, socket: Socket): void {
    if (this.bound.has(name)) throw new ZmqError("EADDRINUSE", `inproc://${name} is already bound`, `inproc://${name}`);
    this.bound.set(name, socket);
    const waiting = this.waiting.get(name) ?? [];
    this.waiting.delete(name);
    for (const link of waiting) this.join(link, socket, name);
  }

  unbind(name: string, socket: Socket): void {
    if (this.bound.get(name) !== socket) return;
    this.bound.delete(name);
    if (socket.closed) {
      for (const link of this.links.get(socket) ?? []) link.close(0);
      this.links.delete(socket);
    }
  }

  connect(name: string, socket: Socket, address: string, connectRoutingId: Buffer | undefined): InprocLink {
    const link = new InprocLink(socket, address, connectRoutingId, () => this.forget(name, link));
    const binder = this.bound.get(name);
    if (binder) this.join(link, binder, name);
    else this.waiting.set(name, [...(this.waiting.get(name) ?? []), link]);
    return link;
  }

  /** Sockets bound here, by name (read by the ZAP client). */
  lookup(name: string): Socket | undefined {
    return this.bound.get(name);
  }

  private join(link: InprocLink, binder: Socket, name: string): void {
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
  private binder: Socket | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly address: string,
    private readonly connectRoutingId: Buffer | undefined,
    private readonly onClose: () => void,
  ) {
    if (!socket.immediate) this.local = this.localPipe();
  }

  /** The bound socket is there: make its pipe and start moving messages. */
  join(binder: Socket, bindAddress: string): void {
    if (this.closed) return;
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
    local.driver = new Transfer(local, remote);
    remote.driver = new Transfer(remote, local);
    const refusedHere = socket.pipeHandshake(local, { socketType: binder.socketType, identity: identityOf(binder), minor: 1 });
    const refusedThere = binder.pipeHandshake(remote, { socketType: socket.socketType, identity: identityOf(socket), minor: 1 });
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
    if (linger !== 0) {
      if (this.local?.driver instanceof Transfer) this.local.driver.run();
      if (this.remote?.driver instanceof Transfer) this.remote.driver.run();
    }
    if (this.local) this.socket.closePipe(this.local);
    if (this.remote && this.binder) this.binder.closePipe(this.remote);
    this.onClose();
  }

  private localPipe(): Pipe {
    const pipe = this.socket.openPipe(this.address);
    pipe.connectRoutingId = this.connectRoutingId;
    return pipe;
  }
}

function identityOf(socket: Socket): Buffer {
  return socket.routingId === null ? Buffer.alloc(0) : Buffer.from(socket.routingId);
}
