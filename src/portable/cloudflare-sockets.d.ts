/** The one export of `cloudflare:sockets` used here (Workers' runtime provides the module). */
declare module "cloudflare:sockets" {
  import type { StreamSocket, StreamAddress } from "../zmtp/transport/stream-connect.js";
  export function connect(address: StreamAddress): StreamSocket;
}
