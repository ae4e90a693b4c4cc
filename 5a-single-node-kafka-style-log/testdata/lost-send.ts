#!/usr/bin/env bun
/**
 * Broken on purpose: every 10th send is acknowledged with an offset but never stored (the
 * offset stays a hole that polls pass over), so no poll can ever return it. The checker must
 * report it lost (later offsets were read) and unseen.
 */
import { LocalLogs } from "maelstrom-lib/logs";
import { serveLogs } from "./serve.ts";

/** What a dropped message leaves at its offset. */
const HOLE = Number.NaN;

class LosingLogs extends LocalLogs {
  private sends = 0;

  override append(key: string, msg: number): number {
    return super.append(key, ++this.sends % 10 === 0 ? HOLE : msg);
  }

  override poll(offsets: Record<string, number>): Record<string, [number, number][]> {
    const msgs = super.poll(offsets);
    for (const [key, pairs] of Object.entries(msgs)) msgs[key] = pairs.filter(([, msg]) => !Number.isNaN(msg));
    return msgs;
  }
}

await serveLogs(new LosingLogs());
