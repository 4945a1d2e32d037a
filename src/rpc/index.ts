/**
 * purezmq/rpc: RPC over ZeroMQ in pure TypeScript.
 *
 * - {@link RpcServer} / {@link RpcClient}: functions by (dotted) name, in the
 *   LuaOverMQ protocol (msgpack; default), Manley's zerorpc JSON protocol or
 *   dotcloud zerorpc (protocol v3: streams, heartbeats);
 *   concurrent serving, timeouts, retries, fail-over, batches, typed proxies.
 * - {@link RpcPublisher} / {@link RpcSubscriber}: LuaOverMQ's publish-subscribe
 *   (`[topic, msgpack(value)]`), prefix filtering, a silence watchdog.
 * - {@link CommandServer} / {@link CommandClient}: pyzmqrpc3's typed commands
 *   and services over its wire format, over REQ/REP or fire-and-forget over
 *   PUB/SUB ({@link CommandPublisher}, {@link CommandServer.subscribe}), and
 *   its five proxies.
 * - The sans-I/O wire codecs of the seed systems (`luaovermq`, `manley`,
 *   `pyzmqrpc`) and their errors.
 *
 * @module purezmq/rpc
 */
export { RpcServer, type RpcServerOptions, type RpcProtocol } from "./server.js";
export { RpcClient, type RpcClientOptions } from "./client.js";
export type { CallOptions } from "./call-transport.js";
export { RpcBatch } from "./batch.js";
export type { BatchCall, BatchResult } from "./client-codec.js";
export { RpcError, RpcTimeoutError, RpcClosedError, RpcLostRemoteError } from "./errors.js";
export type { MethodDescription, RegisterOptions, RpcHandler } from "./registry.js";
export type { RemoteApi, RemoteFunction } from "./remote-proxy.js";
export type { CurveKey, CurveOptions, PlainOptions, SecurityOptions } from "./security.js";
export { PING_METHOD, METHODS_METHOD, MULTICALL_METHOD } from "./invoke.js";
export {
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_QUEUE,
  DEFAULT_MAX_QUEUE_PER_CLIENT,
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_MAX_QUEUED_BYTES_PER_CLIENT,
  BUSY_MESSAGE,
} from "./request-service.js";
export { DEFAULT_MAX_BATCH_CALLS, DEFAULT_MAX_BATCH_REPLY_BYTES, type BatchLimitOptions } from "./batch-limits.js";
export { RpcPublisher, type RpcPublisherOptions } from "./luaovermq/publisher.js";
export { RpcSubscriber, type RpcSubscriberOptions, type RpcMessage } from "./luaovermq/subscriber.js";
export { PublisherEndpoint, PUBLISHER_LINGER, type PublisherEndpointOptions } from "./publisher-endpoint.js";
export { SubscriptionChannel, type SubscriptionChannelOptions } from "./subscription-channel.js";
export { CommandServer, ShutdownServer, type CommandServerOptions, type CommandSubscribeOptions } from "./pyzmqrpc3/server.js";
export { CommandClient, type CommandClientOptions } from "./pyzmqrpc3/client.js";
export { CommandPublisher, COMMAND_PUBLISHER_HWM, type CommandPublisherOptions } from "./pyzmqrpc3/publisher.js";
export { CommandSubscription, type CommandSubscriptionOptions, type CommandConsumer } from "./pyzmqrpc3/subscription.js";
export { CommandHandler, STATUS_BUSY, type Service, type CommandHandlerOptions } from "./pyzmqrpc3/handler.js";
export {
  ProxyRep2Req,
  BufferedProxyRep2Req,
  ProxyRep2Pub,
  type RepFrontendOptions,
  type RepProxyOptions,
  type Rep2PubProxyOptions,
} from "./pyzmqrpc3/proxies.js";
export {
  ProxySub2Req,
  ProxySub2Pub,
  type SubProxyOptions,
  type Sub2ReqProxyOptions,
  type Sub2PubProxyOptions,
} from "./pyzmqrpc3/sub-proxies.js";
export {
  AckingHandler,
  DirectRequestSink,
  BufferedRequestSink,
  DEFAULT_MAX_BUFFERED_BYTES,
  PublishSink,
  PROXY_FULL_MESSAGE,
  type CommandSink,
  type BufferedRequestSinkOptions,
} from "./pyzmqrpc3/forwarding.js";
export { RequestService, type RequestHandler, type RequestServiceOptions } from "./request-service.js";
export { RequestChannel, type RequestChannelOptions, type EnvelopeMode } from "./request-channel.js";
export * from "./codec/index.js";
export { DEFAULT_HEARTBEAT, ZeroRpcHandler, type ZeroRpcHandlerOptions } from "./zerorpc/server.js";
export { ZeroRpcTransport, DEFAULT_STREAM_BUFFER, type ZeroRpcTransportOptions } from "./zerorpc/client.js";
export { DEFAULT_MAX_EVENT_BYTES } from "./zerorpc/protocol.js";
export { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_REPLY_BYTES } from "./message-size.js";
export {
  ZeroRpcPusher,
  ZeroRpcPuller,
  ZeroRpcPublisher,
  ZeroRpcSubscriber,
  type ZeroRpcSenderOptions,
  type ZeroRpcReceiverOptions,
} from "./zerorpc/one-way.js";
