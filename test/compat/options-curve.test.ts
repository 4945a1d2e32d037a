/**
 * Differential: the CURVE options as zeromq.js exposes them. The keys take
 * Z85 strings or 32 octets and are write-only; the last security option
 * set decides the mechanism (libzmq's rule, shared with PLAIN); bad keys
 * and the wrong types are refused with the same codes.
 */
import { same, syncOutcome } from "./differential.js";

/** What code can test of a refusal: the error's code (the messages differ: purezmq says which option and why). */
function codeOf(fn: () => unknown): string {
  const o = syncOutcome(fn) as { threw?: { code?: string; name: string; message: string } };
  if (!o.threw) return "ok";
  return o.threw.code ?? `${o.threw.name}: ${o.threw.message}`;
}

same("CURVE defaults, and keys are write-only (reading throws EINVAL)", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  const before = { curveServer: s.curveServer, mechanism: s.securityMechanism };
  const { publicKey, secretKey } = zmq.curveKeyPair();
  s.curveSecretKey = secretKey;
  s.curvePublicKey = publicKey;
  return {
    before,
    read: ["curvePublicKey", "curveSecretKey", "curveServerKey"].map((k) => codeOf(() => s[k])),
    after: { curveServer: s.curveServer, mechanism: s.securityMechanism },
  };
}, { before: { curveServer: false, mechanism: null }, read: ["EINVAL", "EINVAL", "EINVAL"], after: { curveServer: false, mechanism: "curve" } });

same("the last security option set decides the mechanism and the server role", (zmq, { closing }) => {
  const { publicKey } = zmq.curveKeyPair();
  const s = closing(new zmq.Router()) as unknown as Record<string, unknown>;
  const seen: unknown[] = [];
  const step = (name: string, value: unknown) => {
    s[name] = value;
    seen.push([name, s.securityMechanism, s.curveServer, s.plainServer]);
  };
  step("curveServer", true);
  step("plainUsername", "user");
  step("curveServerKey", publicKey);
  step("curveServer", true);
  step("curvePublicKey", publicKey);
  step("plainServer", true);
  step("curveServer", false);
  step("curveServerKey", publicKey);
  step("plainPassword", null);
  return seen;
}, [
  ["curveServer", "curve", true, false],
  ["plainUsername", "plain", false, false],
  ["curveServerKey", "curve", false, false],
  ["curveServer", "curve", true, false],
  ["curvePublicKey", "curve", true, false],
  ["plainServer", "plain", false, true],
  ["curveServer", null, false, false],
  ["curveServerKey", "curve", false, false],
  ["plainPassword", null, false, false],
]);

same("keys: 40 Z85 characters or 32 octets; other lengths, bad characters, null and other types are refused", (zmq, { closing }) => {
  const s = closing(new zmq.Dealer()) as unknown as Record<string, unknown>;
  const { publicKey } = zmq.curveKeyPair();
  return [
    publicKey, Buffer.alloc(32, 9), publicKey.slice(1), `${publicKey}0`, `${publicKey.slice(0, 39)}~`, `${publicKey.slice(0, 39)}"`,
    Buffer.alloc(31), null, 7, true,
  ].map((value) => codeOf(() => (s.curveServerKey = value)));
}, ["ok", "ok", "EINVAL", "EINVAL", "EINVAL", "EINVAL", "EINVAL", "EINVAL", "TypeError: Option value must be a string or buffer", "TypeError: Option value must be a string or buffer"]);

same("the CURVE options are accepted by the constructor", (zmq, { closing }) => {
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const a = closing(new zmq.Reply({ curveServer: true, curveSecretKey: server.secretKey }));
  const b = closing(new zmq.Request({ curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey }));
  return [a.securityMechanism, a.curveServer, b.securityMechanism, b.curveServer];
}, ["curve", true, "curve", false]);
