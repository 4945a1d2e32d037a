/**
 * ZMTP PLAIN authentication (RFC 24, with the ZAP decision of RFC 27): the
 * server checks a user name and password during the handshake, before any
 * message passes. A refused client gets a "handshake:error:auth" event.
 *
 * PLAIN sends the password in clear: use it on loopback, a private
 * network, or inside a tunnel.
 *
 * Run: copy it into a project that has purezmq installed, or, in the
 * repository: npm run build:all && node build/examples/plain-auth.js
 */
import { Reply, Request, plainAuthenticator } from "purezmq";

const server = new Reply({
  plainServer: true,
  authenticator: plainAuthenticator({ users: { admin: "correct horse" } }),
});
await server.bind("tcp://127.0.0.1:0");
const serving = (async () => {
  for await (const [request] of server) await server.send(`welcome, ${request}`);
})();

const good = new Request({ plainUsername: "admin", plainPassword: "correct horse", receiveTimeout: 2000 });
const bad = new Request({ plainUsername: "admin", plainPassword: "battery staple" });
try {
  good.connect(server.lastEndpoint!);
  await good.send("admin");
  const [reply] = await good.receive();
  console.log(reply!.toString()); // welcome, admin

  // The refusal arrives as an event; the handshake never completes.
  // zeromq.js's text ("Authentication failure"), then purezmq's account of it.
  const refused = new Promise<string>((resolve) => bad.events.on("handshake:error:auth", (e) => resolve(`${e.error.message}: ${(e.error.cause as Error).message}`)));
  bad.connect(server.lastEndpoint!);
  console.log(`refused: ${await refused}`);
} finally {
  good.close();
  bad.close();
  server.close();
  await serving;
}
