/** `purezmq keygen`: a new CURVE key pair for servers and clients. */
import { curveKeyPair } from "../index.js";
import { JSON_OPTION, noMoreArgs, type CommandSpec } from "./args.js";

/** Prints a fresh CURVE key pair as Z85 text (or JSON with --json). */
export const keygenSpec: CommandSpec = {
  name: "keygen",
  args: "",
  summary: "print a new CURVE key pair (Z85)",
  about: [
    "Prints a new CURVE long-term key pair as 40-character Z85 strings, as libzmq's",
    "zmq_curve_keypair makes them. Give the public key to the other side; keep the",
    "secret key to yourself (serve --curve-secret-key, call --curve-secret-key).",
  ],
  options: { json: JSON_OPTION },
  async run(ctx) {
    noMoreArgs(ctx, 0);
    const { publicKey, secretKey } = curveKeyPair();
    if (ctx.options.json === true) ctx.out(JSON.stringify({ publicKey, secretKey }));
    else {
      ctx.out(`public: ${publicKey}`);
      ctx.out(`secret: ${secretKey}`);
    }
  },
};
