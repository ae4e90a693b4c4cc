/**
 * maelstrom-lib: the node runtime a Gossip Glomers solution imports.
 * `const node = new Node(); node.on("echo", (m) => ({ type: "echo_ok", echo: m.body.echo })); await node.run();`
 */
export { Node, DEFAULT_RPC_TIMEOUT_MS, type NodeOptions, type RpcOptions } from "./node.ts";
export {
  ErrorCode,
  type ErrorCodeNumber,
  RPCError,
  KeyDoesNotExist,
  PreconditionFailed,
  isDefinite,
  errorName,
  rpcErrorFromBody,
} from "./errors.ts";
export { KV, LinKV, SeqKV, LWWKV, type KVOptions, type CasOptions } from "./kv.ts";
export { type Clock, type Cancel, RealClock, FakeClock, realClock, sleep, every } from "./clock.ts";
export { type InputSource, type OutputSink, type LogSink, MemoryInput } from "./io.ts";
export * from "./messages.ts";
