/**
 * Where this `bun test` process writes its runs: a folder under the system's temp folder, so tests
 * never fill (or read) the user's own store/. The test preload (test-setup.ts) removes it after
 * the last test; Bun's test runner emits no process "exit" to hang that on here.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TEST_STORE = mkdtempSync(join(tmpdir(), "maelstrom-test-store-"));
