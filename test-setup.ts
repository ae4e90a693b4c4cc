// Preloaded by `bun test` (bunfig.toml): runs under the runner take seconds, so the default
// per-test timeout of 5 s is too short; a test that needs longer still says so itself. The
// runs tests make go to a temporary store of this process's own, removed after the last test.
import { afterAll, setDefaultTimeout } from "bun:test";
import { rmSync } from "node:fs";
import { TEST_STORE } from "./maelstrom-lib/harness/testdata/test-store.ts";

setDefaultTimeout(120_000);
afterAll(() => rmSync(TEST_STORE, { recursive: true, force: true }));
