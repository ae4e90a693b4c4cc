/** Reliable node-to-node links over fire-and-forget messages, with acks that ride along. */
export { PeerLink, type LinkTiming, type GossipBatch, type PeerLinkMessages } from "./peer-link.ts";
export { ReplicationStream, MAX_EVENTS_PER_BATCH, type Batch, type StreamPosition } from "./replication-stream.ts";
export { PeerSync, type PeerSyncOptions, type SyncMessage, type PeerSyncMessages } from "./peer-sync.ts";
export { withinClientPatience, CLIENT_PATIENCE_MS } from "./client-patience.ts";
