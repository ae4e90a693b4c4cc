#!/usr/bin/env bun
/**
 * Broken on purpose: every 5th poll that resumes a key past its start leaves out the message
 * at the requested offset. The client's next poll then starts one message too late: the
 * checker must report a poll skip.
 */
import { LocalLogs } from "maelstrom-lib/logs";
import { serveLogs } from "./serve.ts";

class SkippingLogs extends LocalLogs {
  private resumes = 0;

  override poll(offsets: Record<string, number>): Record<string, [number, number][]> {
    const msgs = super.poll(offsets);
    for (const [key, from] of Object.entries(offsets)) {
      const pairs = msgs[key];
      if (from > 0 && pairs && pairs.length > 1 && ++this.resumes % 5 === 0) msgs[key] = pairs.slice(1);
    }
    return msgs;
  }
}

await serveLogs(new SkippingLogs());
