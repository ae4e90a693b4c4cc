#!/usr/bin/env bun
/**
 * Broken on purpose: every 10th send is acknowledged with an offset but never stored, so
 * no poll can ever return it. The checker must report it unseen (or lost).
 */
import { LocalLogs } from "../logs.ts";
import { serveLogs } from "./serve.ts";

/** Acknowledged-but-dropped messages get offsets far past the log, so nothing else collides. */
const DROPPED_OFFSET_BASE = 1_000_000;

class LosingLogs extends LocalLogs {
  private sends = 0;

  override append(key: string, msg: number): number {
    if (++this.sends % 10 === 0) return DROPPED_OFFSET_BASE + this.sends;
    return super.append(key, msg);
  }
}

await serveLogs(new LosingLogs());
