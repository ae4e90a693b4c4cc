/**
 * Replicated last-writer-wins registers for totally-available transactions (challenges 6b, 6c):
 * a Lamport-stamped store and a batching, retrying replicator.
 */
export { LwwStore, isNewer, type StampedWrite } from "./lww-store.ts";
export {
  Replicator,
  type ReplicateRequest,
  type ReplicateOk,
  type ReplicatorOptions,
  type ReplicatorMessages,
} from "./replicator.ts";
