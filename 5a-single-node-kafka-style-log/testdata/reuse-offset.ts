#!/usr/bin/env bun
/**
 * Broken on purpose: every 5th send to a non-empty key overwrites the key's last message and
 * acknowledges the same offset again. The checker must report inconsistent offsets.
 */
import { LocalLogs } from "maelstrom-lib/logs";
import { serveLogs } from "./serve.ts";

class OverwritingLogs extends LocalLogs {
  private sends = 0;

  override append(key: string, msg: number): number {
    const log = this.logs.get(key);
    if (++this.sends % 5 !== 0 || !log?.length) return super.append(key, msg);
    log[log.length - 1] = msg;
    return log.length - 1;
  }
}

await serveLogs(new OverwritingLogs());
