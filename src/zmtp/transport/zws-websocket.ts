/**
 * Where ws:// connections come from: the runtime's own `WebSocket` for
 * dialing (browsers, Deno, Bun, Workers, Node 22), else the `ws` package;
 * the `ws` package's server for bind() in Node. `ws` is an optional peer
 * dependency, loaded only when a ws:// endpoint needs it, so the core
 * stays free of it.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { ZmqError } from "../errors.js";
import type { MechanismName } from "../wire/index.js";
import { chooseZwsProtocol, zwsProtocols } from "../wire/zws.js";
import type { WebSocketLike } from "./zws-duplex.js";

type WsModule = typeof import("ws");

/**
 * The subprotocols to offer for a ws:// endpoint; throws ENOTSUP for a
 * mechanism that WebSockets cannot name (see {@link zwsProtocols}).
 */
export function zwsOffer(mechanism: MechanismName, address: string): string[] {
  const offer = zwsProtocols(mechanism);
  if (offer) return offer;
  throw new ZmqError("ENOTSUP", `ws:// carries ZWS2.0 without a security mechanism (WebSocket subprotocols cannot name ZWS2.0/${mechanism}): use tcp:// for ${mechanism}, or TLS (wss://) in front of ws://`, address);
}

/** The `ws` package, or a clear error naming what to install. */
async function loadWs(purpose: string): Promise<WsModule> {
  try {
    const mod = (await import("ws")) as WsModule & { default?: WsModule };
    // Bundlers and runtimes differ on whether a CommonJS module's names sit on the namespace or its default.
    return mod.WebSocketServer ? mod : mod.default!;
  } catch (err) {
    throw new ZmqError("ENOTSUP", `${purpose} needs the optional "ws" package on this runtime: npm install ws (${(err as Error).message})`);
  }
}

type WebSocketClass = new (url: string, protocols: string[]) => WebSocketLike;

/**
 * Opens a WebSocket to `url` offering `protocols`. The `ws` package, where
 * it is what dials, refuses a message over `maxPayload` octets before
 * buffering it; a runtime's own WebSocket has no such bound, and the
 * engine's `maxMessageSize` applies once a message has arrived.
 */
export async function dialWebSocket(url: string, protocols: string[], maxPayload: number): Promise<WebSocketLike> {
  const Native = (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
  if (Native) return new Native(url, protocols);
  const { WebSocket } = await loadWs("connecting to ws://");
  return new WebSocket(url, protocols, { maxPayload }) as unknown as WebSocketLike;
}

/** Settings of a ws:// listener. */
export interface ZwsServerOptions {
  /** The path clients must ask for (`/` when the endpoint names none). */
  path: string;
  /** The socket's mechanism: picks the subprotocol (RFC 45). */
  mechanism: MechanismName;
  /** Largest WebSocket message accepted, flags octet included. */
  maxPayload: number;
}

/**
 * Serves ZWS on `server` (an http.Server not yet listening): upgrades
 * requests for `options.path` that offer a subprotocol fitting the
 * mechanism, and hands each WebSocket to `accept`. Anything else gets an
 * HTTP error and no connection. Returns how to stop.
 */
export async function serveZws(
  server: Server,
  options: ZwsServerOptions,
  accept: (ws: WebSocketLike, request: IncomingMessage) => void,
): Promise<() => void> {
  const { WebSocketServer } = await loadWs("binding ws://");
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    // Per-message compression costs CPU and memory per connection (and a
    // decompression bound of its own): ZMTP peers do not ask for it.
    perMessageDeflate: false,
    handleProtocols: (offered) => chooseZwsProtocol(offered, options.mechanism),
  });
  server.on("request", (_request, response) => {
    response.writeHead(426, { "Content-Type": "text/plain" }).end("ZeroMQ over WebSocket (ZWS 2.0): connect with a WebSocket\n");
  });
  server.on("upgrade", (request: IncomingMessage, stream: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
    // A client offering nothing we speak is refused before the upgrade (RFC 45: BAD REQUEST).
    if (path !== options.path || chooseZwsProtocol(offered, options.mechanism) === false) {
      stream.end(`HTTP/1.1 ${path !== options.path ? "404 Not Found" : "400 Bad Request"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, stream, head, (ws) => accept(ws as unknown as WebSocketLike, request));
  });
  return () => wss.close();
}
