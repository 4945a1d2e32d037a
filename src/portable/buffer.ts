/**
 * `node:buffer` for the portable bundles: the `buffer` package (bundled
 * in; a Buffer over Uint8Array), with the `constants` Node also exports.
 */
import { Buffer, kMaxLength } from "buffer";

export { Buffer };
/** `buffer.constants` as Node has it. */
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: 2 ** 29 - 24 };
