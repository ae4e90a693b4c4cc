/**
 * maelstrom-lib: the node runtime a Gossip Glomers solution imports, and the protocol of each
 * workload to type it with.
 * `const node = new Node<EchoProtocol>();`
 * `node.on("echo", (m) => ({ type: "echo_ok", echo: m.body.echo }));`
 * `await node.run();`
 */
export { Node, DEFAULT_RPC_TIMEOUT_MS, type NodeOptions, type RpcOptions } from "./node.ts";
export { RPCError, KeyDoesNotExist, PreconditionFailed, rpcErrorFromBody } from "./errors.ts";
export { ErrorCode, type ErrorCodeNumber, isDefinite, errorName } from "../protocol/errors.ts";
export { KV, LinKV, SeqKV, LWWKV, type KVOptions, type CasOptions } from "./kv.ts";
export { type Clock, type Cancel, RealClock, FakeClock, realClock, sleep, every } from "./clock.ts";
export { type InputSource, type OutputSink, type LogSink, MemoryInput } from "./io.ts";
export * from "./messages.ts";
export type {
  Json,
  EchoProtocol,
  UniqueIdsProtocol,
  BroadcastProtocol,
  GSetProtocol,
  GCounterProtocol,
  LinKVProtocol,
  KafkaProtocol,
  TxnRwRegisterProtocol,
  TxnOp,
  TxnListAppendProtocol,
  ListAppendOp,
} from "../protocol/index.ts";
