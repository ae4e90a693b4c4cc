/**
 * Serves the kafka RPCs from a LocalLogs (or a deliberately broken subclass): the harness for
 * the broken logs in this folder, which must fail the checker with the anomaly they plant.
 */
import { type KafkaProtocol, Node } from "maelstrom-lib";
import type { LocalLogs } from "maelstrom-lib/logs";

/** Registers send/poll/commit/list handlers over `logs` and runs the node until EOF. */
export async function serveLogs(logs: LocalLogs): Promise<void> {
  const node = new Node<KafkaProtocol>();
  node.on("send", ({ body }) => ({ type: "send_ok", offset: logs.append(body.key, body.msg) }));
  node.on("poll", ({ body }) => ({ type: "poll_ok", msgs: logs.poll(body.offsets) }));
  node.on("commit_offsets", () => ({ type: "commit_offsets_ok" }));
  node.on("list_committed_offsets", () => ({ type: "list_committed_offsets_ok", offsets: {} }));
  await node.run();
}
