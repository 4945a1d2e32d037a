/**
 * A `connect` option for the tests: `connect()` of `cloudflare:sockets`
 * rebuilt over node:net with web streams, so that a socket's tcp://
 * connections run through web streams while the peer is a real listener
 * (purezmq's or libzmq's). It records every call, so that the tests can
 * tell the streams carried the traffic and count reconnections. The
 * streams are made here rather than by `Duplex.toWeb`, whose Deno version
 * throws an uncaught error when the peer ends the connection.
 */
import * as net from "node:net";
import { once } from "node:events";
import type { StreamAddress, StreamConnect, StreamSocket } from "../../src/index.js";

/** A `connect` function and what it saw. */
export interface RecordingConnect {
  readonly connect: StreamConnect;
  /** The address of each call, in order. */
  readonly calls: StreamAddress[];
  /** The node:net sockets under the streams (one per call). */
  readonly sockets: net.Socket[];
  /** Octets that went out through the writables. */
  written: number;
}

/** The two directions of a node:net socket as web streams, with back-pressure both ways. */
function webStreams(socket: net.Socket): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  let ended = false;
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      const end = (err?: Error): void => {
        if (ended) return;
        ended = true;
        if (err) controller.error(err);
        else controller.close();
      };
      socket.on("data", (chunk: Buffer) => {
        if (ended) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) socket.pause();
      });
      socket.on("end", () => end());
      socket.on("error", (err) => end(err));
      socket.on("close", () => end());
    },
    pull() {
      socket.resume();
    },
    cancel() {
      ended = true;
      socket.destroy();
    },
  }, { highWaterMark: 4 });
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => new Promise<void>((resolve, reject) => socket.write(chunk, (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise<void>((resolve) => socket.end(resolve)),
    abort: () => {
      socket.destroy();
    },
  });
  return { readable, writable };
}

/** `promise`, marked as handled: a test's `wrap` may put another in its place. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** A `connect` over node:net and web streams; `wrap` may change what is returned. */
export function webStreamConnect(wrap: (s: StreamSocket, call: number) => StreamSocket = (s) => s): RecordingConnect {
  const record: RecordingConnect = {
    calls: [],
    sockets: [],
    written: 0,
    connect: (address) => {
      record.calls.push(address);
      const socket = net.connect({ host: address.hostname, port: address.port }).unref();
      record.sockets.push(socket);
      socket.on("error", () => {
        /* the web streams and `opened` report it */
      });
      const { readable, writable } = webStreams(socket);
      const counting = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          record.written += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      void counting.readable.pipeTo(writable).catch(() => {
        /* the socket's own end or error ends the connection */
      });
      const streams: StreamSocket = {
        readable,
        writable: counting.writable,
        opened: handled(once(socket, "connect")),
        closed: handled(once(socket, "close")),
        close: () => socket.destroy(),
      };
      return wrap(streams, record.calls.length);
    },
  };
  return record;
}
