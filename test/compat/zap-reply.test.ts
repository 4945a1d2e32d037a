/**
 * Differential: a PLAIN server whose ZAP handler answers with a malformed
 * reply. zeromq.js reports a ZAP protocol error on the server (not an
 * authentication failure), with libzmq's code for what was wrong; the
 * client, refused no status, sees its connection lost in the handshake
 * (`handshake:error:other`, EPIPE), then `disconnect`, and reconnects.
 */
import { Buffer } from "node:buffer";
import { eventName, eventsUntil, same, type Zmq } from "./differential.js";

/** What a ZAP handler answers to a request's frames (routing id first, as a Router receives them). */
type Answer = (request: Buffer[]) => Array<Buffer | string>;

/** A well-formed accepting reply to `request`, with `change` applied to its frames after the routing id. */
function reply(change: (frames: Array<Buffer | string>) => Array<Buffer | string>): Answer {
  return ([routingId, delimiter, version, requestId]) => [routingId!, ...change([delimiter!, version!, requestId!, "200", "OK", "user", ""])];
}

/** What the client reports: its connection lost in the handshake, then a retry. */
const CLIENT = ["connect:delay", "connect", "handshake:error:other:EPIPE", "disconnect", "connect:retry"];

/**
 * Runs one PLAIN handshake whose ZAP request `answer` answers: returns the
 * server's protocol error event (type and code) and the client's events
 * until it retries its connection.
 */
async function handshakeWith(zmq: Zmq, answer: Answer): Promise<Record<string, unknown>> {
  // A context of its own: the handler's inproc name is free again for the next test at once.
  const context = new zmq.Context();
  const zap = new zmq.Router({ context });
  const server = new zmq.Dealer({ context, plainServer: true });
  const client = new zmq.Dealer({ plainUsername: "user", plainPassword: "secret" });
  try {
    await zap.bind("inproc://zeromq.zap.01");
    await server.bind("tcp://127.0.0.1:*");
    const serverError = eventsUntil(server, "handshake:error:protocol");
    const retried = eventsUntil(client, "connect:retry");
    client.connect(server.lastEndpoint!);
    await zap.send(answer(await zap.receive()));
    return { server: eventName((await serverError).at(-1)!), client: (await retried).map(eventName) };
  } finally {
    client.close();
    server.close();
    zap.close();
  }
}

same("ZAP reply of 4 frames: ERR_ZAP_MALFORMED_REPLY on the server", (zmq) =>
  handshakeWith(zmq, reply((f) => f.slice(0, 4))),
{ server: "handshake:error:protocol:ERR_ZAP_MALFORMED_REPLY", client: CLIENT });

same("ZAP reply of 8 frames: ERR_ZAP_MALFORMED_REPLY on the server", (zmq) =>
  handshakeWith(zmq, reply((f) => [...f, "extra"])),
{ server: "handshake:error:protocol:ERR_ZAP_MALFORMED_REPLY", client: CLIENT });

same("ZAP reply whose first frame is not empty: ERR_ZAP_UNSPECIFIED on the server", (zmq) =>
  handshakeWith(zmq, reply((f) => ["x", ...f.slice(1)])),
{ server: "handshake:error:protocol:ERR_ZAP_UNSPECIFIED", client: CLIENT });

same("ZAP reply of version 2.0: ERR_ZAP_BAD_VERSION on the server", (zmq) =>
  handshakeWith(zmq, reply(([d, , ...rest]) => [d!, "2.0", ...rest])),
{ server: "handshake:error:protocol:ERR_ZAP_BAD_VERSION", client: CLIENT });

same("ZAP reply for another request id: ERR_ZAP_BAD_REQUEST_ID on the server", (zmq) =>
  handshakeWith(zmq, reply(([d, v, , ...rest]) => [d!, v!, "not-the-id", ...rest])),
{ server: "handshake:error:protocol:ERR_ZAP_BAD_REQUEST_ID", client: CLIENT });

same("ZAP reply with status 201: ERR_ZAP_INVALID_STATUS_CODE on the server", (zmq) =>
  handshakeWith(zmq, reply(([d, v, id, , ...rest]) => [d!, v!, id!, "201", ...rest])),
{ server: "handshake:error:protocol:ERR_ZAP_INVALID_STATUS_CODE", client: CLIENT });

same("PLAIN credentials given as Buffers reach the ZAP handler octet for octet", async (zmq) => {
  const context = new zmq.Context();
  const zap = new zmq.Router({ context });
  const server = new zmq.Dealer({ context, plainServer: true });
  // Not UTF-8, with a zero octet inside: only the octets themselves survive.
  const client = new zmq.Dealer({ plainUsername: Buffer.from([0xff, 0x00, 0x41]), plainPassword: Buffer.from([0xc3, 0x28]) });
  try {
    await zap.bind("inproc://zeromq.zap.01");
    await server.bind("tcp://127.0.0.1:*");
    client.connect(server.lastEndpoint!);
    const request = await zap.receive();
    return request.slice(7).map((frame) => frame.toString("hex"));
  } finally {
    client.close();
    server.close();
    zap.close();
  }
}, ["504c41494e", "ff0041", "c328"]);
