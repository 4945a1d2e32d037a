/**
 * What the tracer keeps per direction of a relayed connection, whatever the
 * peers send. The relay forwards every octet untouched; these bound only
 * the decoding beside it, so a direction's decoder holds at most about
 * {@link MESSAGE_DECODE_OCTETS} + {@link COMMAND_DECODE_OCTETS} octets and
 * {@link SHOWN_PARTS} frame summaries.
 */

/** Frames of one message listed one by one; later ones are only counted ("… N more parts, M bytes"). */
export const SHOWN_PARTS = 64;

/**
 * Octets of one message kept for recognising RPC in it. A message larger
 * than this (or with more than {@link SHOWN_PARTS} frames) is listed but
 * not decoded.
 */
export const MESSAGE_DECODE_OCTETS = 256 * 1024;

/** Octets of a command kept for decoding; a larger one is reported by name and size only. */
export const COMMAND_DECODE_OCTETS = 64 * 1024;

/** Octets of a Lua RPC frame kept for decoding; a larger one is reported by its size only. */
export const LUA_DECODE_OCTETS = MESSAGE_DECODE_OCTETS;
