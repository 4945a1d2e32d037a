/**
 * purezmq/draft: the draft socket types of libzmq 4.3 with the classes and
 * options of zeromq.js v6's `zeromq/draft`, so that code written for it
 * switches by changing its import. Each but Datagram works over tcp, ipc
 * and inproc.
 *
 * - {@link Server} / {@link Client} (RFC 41): single-part messages; the
 *   server gives each client a numeric routing id, received with each
 *   message and given back to send().
 * - {@link Radio} / {@link Dish} (RFC 48): groups of at most 255 octets;
 *   a dish join()s and leave()s groups, a radio sends each message to one
 *   group, filtering on the sending side.
 * - {@link Scatter} / {@link Gather} (RFC 49): PUSH/PULL with single-part
 *   messages.
 * - {@link Datagram} (libzmq's DGRAM): plain UDP datagrams as
 *   `[address, body]`; binds udp:// only.
 *
 * Radio/Dish also work over udp:// (a Dish binds, a Radio connects).
 * libzmq's PEER and CHANNEL are not built: zeromq.js does not offer them.
 *
 * @module purezmq/draft
 */
import "../zmtp/socket/by-type.js";

export { Server, type ServerRoutingOptions } from "../zmtp/socket/server.js";
export { Client } from "../zmtp/socket/client.js";
export { Radio, type RadioGroupOptions, type RadioOptions } from "../zmtp/socket/radio.js";
export { Dish, type DishGroupOptions } from "../zmtp/socket/dish.js";
export { Scatter } from "../zmtp/socket/scatter.js";
export { Gather } from "../zmtp/socket/gather.js";
export { Datagram } from "../zmtp/socket/datagram.js";
