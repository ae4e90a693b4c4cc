/** Kafka-style logs held in node memory: single-node (challenge 5a) and replicated (5c). */
export { CommittedOffsets } from "./committed-offsets.ts";
export { LocalLogs, MAX_POLL_MESSAGES_PER_KEY } from "./local-logs.ts";
export { ReplicatedLogs, type LogsSnapshot } from "./replicated-logs.ts";
