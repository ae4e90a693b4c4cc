import { describe, expect, test } from "bun:test";
import { MessageMixCollector } from "./message-mix.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";

describe("message mix", () => {
  test("counts server messages by type and link; client traffic only as a total", async () => {
    const run = await writeSyntheticRun();
    const collector = new MessageMixCollector();
    run.journal.forEach((event) => collector.add(event));
    const mix = collector.result();
    expect(mix.types).toEqual([
      { type: "gossip", sentCount: 2, deliveredCount: 1, byLink: { "node→node": 2 } },
      { type: "error", sentCount: 1, deliveredCount: 1, byLink: { "service→node": 1 } },
      { type: "gossip_ok", sentCount: 1, deliveredCount: 1, byLink: { "node→node": 1 } },
      { type: "read", sentCount: 1, deliveredCount: 1, byLink: { "node→service": 1 } },
    ]);
    const net = run.results.net as Record<string, Record<string, number>>;
    expect(mix.serverSentCount).toBe(net.servers!["msg-count"]!);
    // init/init_ok count as client traffic, as in Maelstrom's net stats.
    expect(mix.clientSentCount).toBe(
      run.journal.filter((event) => event.type === "send" && (event.src.startsWith("c") || event.dest.startsWith("c")))
        .length,
    );
  });

  test("with the run's node ids, custom names (--nodes a,b) are nodes too", () => {
    const collector = new MessageMixCollector(["alpha", "beta"]);
    const send = (id: number, src: string, dest: string, type: string) =>
      collector.add({ type: "send", id, time: id, src, dest, body: { type } });
    send(0, "alpha", "beta", "gossip");
    send(1, "beta", "lin-kv", "cas");
    send(2, "lin-kv", "beta", "cas_ok");
    expect(collector.result().types.map((count) => [count.type, count.byLink])).toEqual([
      ["cas", { "node→service": 1 }],
      ["cas_ok", { "service→node": 1 }],
      ["gossip", { "node→node": 1 }],
    ]);
  });
});
