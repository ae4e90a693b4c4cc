/**
 * The runner's programmatic entry (the package's "./harness" export): `runMaelstrom(argv)` does
 * what `bun run maelstrom ...` does and returns the exit code and results instead of exiting.
 * Tests and benches use it.
 */
export { analyzeRun, runMaelstrom, runTestCommand } from "./cli/commands.ts";
export type { MaelstromRun, RunMaelstromOptions, TestCommand } from "./cli/commands.ts";
export type { RunResults } from "./contracts/results.ts";
export type { CheckResult, Op, Workload } from "./contracts/types.ts";
export { CliError } from "./cli/cli.ts";
export { loadWorkload } from "./workloads/index.ts";
