/**
 * The socket class of each libzmq type number, so that
 * `new Socket(type, options)` works as in zeromq.js. Importing this module
 * registers them (the package entry point does).
 */
import { SOCKET_TYPE_NUMBER } from "../wire/socket-type.js";
import { Client } from "./client.js";
import { Datagram } from "./datagram.js";
import { Dealer } from "./dealer.js";
import { Dish } from "./dish.js";
import { Gather } from "./gather.js";
import { Pair } from "./pair.js";
import { Publisher } from "./pub.js";
import { Pull } from "./pull.js";
import { Push } from "./push.js";
import { Radio } from "./radio.js";
import { Reply } from "./rep.js";
import { Request } from "./req.js";
import { Router } from "./router.js";
import { Scatter } from "./scatter.js";
import { Server } from "./server.js";
import { Stream } from "./stream.js";
import { registerSocketType } from "./socket.js";
import { Subscriber } from "./sub.js";
import { XPublisher } from "./xpub.js";
import { XSubscriber } from "./xsub.js";

registerSocketType(SOCKET_TYPE_NUMBER.PAIR, Pair);
registerSocketType(SOCKET_TYPE_NUMBER.PUB, Publisher);
registerSocketType(SOCKET_TYPE_NUMBER.SUB, Subscriber);
registerSocketType(SOCKET_TYPE_NUMBER.REQ, Request);
registerSocketType(SOCKET_TYPE_NUMBER.REP, Reply);
registerSocketType(SOCKET_TYPE_NUMBER.DEALER, Dealer);
registerSocketType(SOCKET_TYPE_NUMBER.ROUTER, Router);
registerSocketType(SOCKET_TYPE_NUMBER.PULL, Pull);
registerSocketType(SOCKET_TYPE_NUMBER.PUSH, Push);
registerSocketType(SOCKET_TYPE_NUMBER.XPUB, XPublisher);
registerSocketType(SOCKET_TYPE_NUMBER.XSUB, XSubscriber);
registerSocketType(SOCKET_TYPE_NUMBER.SERVER, Server);
registerSocketType(SOCKET_TYPE_NUMBER.CLIENT, Client);
registerSocketType(SOCKET_TYPE_NUMBER.RADIO, Radio);
registerSocketType(SOCKET_TYPE_NUMBER.DISH, Dish);
registerSocketType(SOCKET_TYPE_NUMBER.GATHER, Gather);
registerSocketType(SOCKET_TYPE_NUMBER.SCATTER, Scatter);
registerSocketType(SOCKET_TYPE_NUMBER.STREAM, Stream);
registerSocketType(SOCKET_TYPE_NUMBER.DGRAM, Datagram);
