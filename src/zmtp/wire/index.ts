/** The sans-I/O ZMTP wire layer: bytes in, frames, commands and events out. */
export * from "./errors.js";
export * from "./greeting.js";
export * from "./frame.js";
export * from "./frame-decoder.js";
export * from "./frame-encoder.js";
export * from "./command.js";
export * from "./socket-type.js";
export * from "./mechanism.js";
export * from "./null-mechanism.js";
export * from "./plain-mechanism.js";
export * from "./curve-crypto.js";
export * from "./curve-commands.js";
export * from "./curve-cipher.js";
export * from "./curve-mechanism.js";
export * from "./group.js";
