// Preloaded by `bun test` (bunfig.toml): runs under the runner take seconds, so the default
// per-test timeout of 5 s is too short; a test that needs longer still says so itself.
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(120_000);
