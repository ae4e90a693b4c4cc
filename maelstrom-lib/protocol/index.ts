/**
 * The wire protocol, written once: every message a node answers or sends to a service, as
 * schemas (schema.ts) the runner checks bodies against and the node runtime takes its body types
 * from, and the one error table (errors.ts). docs/protocol.md is printed from `PROTOCOL_SECTIONS`
 * (scripts/protocol-doc.ts). No dependencies: the node runtime imports this folder.
 */
import { broadcastRpcs } from "./broadcast.ts";
import { echoRpcs } from "./echo.ts";
import { gCounterRpcs } from "./g-counter.ts";
import { gSetRpcs } from "./g-set.ts";
import { initRpcs } from "./init.ts";
import { kafkaRpcs } from "./kafka.ts";
import { linKvRpcs } from "./lin-kv.ts";
import type { RpcTable } from "./schema.ts";
import { kvServiceRpcs, tsServiceRpcs } from "./services.ts";
import { txnListAppendRpcs } from "./txn-list-append.ts";
import { txnRwRegisterRpcs } from "./txn-rw-register.ts";
import { uniqueIdsRpcs } from "./unique-ids.ts";

export * from "./schema.ts";
export * from "./errors.ts";
export { initRpcs } from "./init.ts";
export { echoRpcs, type EchoProtocol } from "./echo.ts";
export { uniqueIdsRpcs, type UniqueIdsProtocol } from "./unique-ids.ts";
export { broadcastRpcs, type BroadcastProtocol } from "./broadcast.ts";
export { gSetRpcs, type GSetProtocol } from "./g-set.ts";
export { gCounterRpcs, type GCounterProtocol } from "./g-counter.ts";
export { linKvRpcs, type LinKVProtocol } from "./lin-kv.ts";
export { kafkaRpcs, type KafkaProtocol } from "./kafka.ts";
export { txnRwRegisterRpcs, type TxnRwRegisterProtocol, type TxnOp } from "./txn-rw-register.ts";
export { txnListAppendRpcs, type TxnListAppendProtocol, type ListAppendOp } from "./txn-list-append.ts";
export { kvServiceRpcs, type KvServiceProtocol, tsServiceRpcs } from "./services.ts";

/** One part of the protocol reference: who speaks it, and its RPCs. */
export interface ProtocolSection {
  title: string;
  /** Who answers these requests, and when. */
  about: string;
  rpcs: RpcTable;
}

/** The protocol reference, in the order docs/protocol.md shows it. */
export const PROTOCOL_SECTIONS: readonly ProtocolSection[] = [
  { title: "init", about: "Every node, whatever the workload; the node runtime answers it.", rpcs: initRpcs },
  { title: "echo", about: "Workload `echo` (challenge 1).", rpcs: echoRpcs },
  { title: "unique-ids", about: "Workload `unique-ids` (challenge 2).", rpcs: uniqueIdsRpcs },
  { title: "broadcast", about: "Workload `broadcast` (challenge 3).", rpcs: broadcastRpcs },
  { title: "g-set", about: "Workload `g-set`.", rpcs: gSetRpcs },
  { title: "g-counter, pn-counter", about: "Workloads `g-counter` (challenge 4), `pn-counter`.", rpcs: gCounterRpcs },
  { title: "lin-kv", about: "Workload `lin-kv`.", rpcs: linKvRpcs },
  { title: "kafka", about: "Workload `kafka` (challenge 5).", rpcs: kafkaRpcs },
  { title: "txn-rw-register", about: "Workload `txn-rw-register` (challenge 6).", rpcs: txnRwRegisterRpcs },
  { title: "txn-list-append", about: "Workload `txn-list-append`.", rpcs: txnListAppendRpcs },
  {
    title: "lin-kv, seq-kv, lww-kv services",
    about: "The key-value services: a node sends these to `lin-kv`, `seq-kv` or `lww-kv`, and the service answers.",
    rpcs: kvServiceRpcs,
  },
  { title: "lin-tso service", about: "The timestamp oracle: a node sends this to `lin-tso`.", rpcs: tsServiceRpcs },
];
