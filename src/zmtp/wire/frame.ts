/**
 * ZMTP frame flags: RFC 23 section "Framing".
 *
 * ```
 * frame = short-frame | long-frame
 * flags = %x00-07 ; bit 0 MORE, bit 1 LONG, bit 2 COMMAND, bits 3-7 reserved (zero)
 * short-size = OCTET, long-size = 8 OCTETs network order
 * ```
 */

/** More frames of this message follow. */
export const FLAG_MORE = 0x01;
/** The size is 8 octets (network order) instead of one. */
export const FLAG_LONG = 0x02;
/** The frame is a command, not part of a message. */
export const FLAG_COMMAND = 0x04;
/** Bits that must be zero. */
export const FLAG_RESERVED = 0xf8;
/** Largest body sent in the short form. */
export const SHORT_MAX = 255;
