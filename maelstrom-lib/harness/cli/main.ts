#!/usr/bin/env bun
/** `bun run maelstrom <command> ...`: Maelstrom's CLI, with its exit codes. */
import packageJson from "../../package.json" with { type: "json" };
import { CliError, parseCommand, type Command } from "./cli.ts";
import { analyzeRun, runTestCommand } from "./commands.ts";
import { escapeControlChars } from "../primitives/lines.ts";

/**
 * The folder the user typed the command in. `bun run maelstrom` (and `npm run`) run the script
 * from the package's folder, so process.cwd() is the repository root there. Bun 1.4 passes the
 * caller's folder as npm_config_local_prefix and sets no INIT_CWD; npm passes INIT_CWD (its
 * npm_config_local_prefix is the package root). Both are read only when this process is the
 * `maelstrom` script itself: a runner started in any other way resolves against its own cwd.
 */
export function callerDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (env.npm_lifecycle_event !== "maelstrom") return cwd;
  const byBun = env.npm_config_user_agent?.startsWith("bun/") ?? false;
  return (byBun ? env.npm_config_local_prefix : env.INIT_CWD) ?? cwd;
}

function parse(argv: string[]): Command | undefined {
  try {
    return parseCommand(argv, process.cwd());
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

async function main(argv: string[]): Promise<number> {
  // The runner works in the caller's folder, so that every path it prints (run folder, report,
  // `serve --store`) reads from where the user typed the command.
  process.chdir(callerDir());
  const command = parse(argv);
  if (command === undefined) return 254;
  // Node output reaches these lines (violations, crash tails, --log-net-*): a terminal must not act on it.
  const log = (line: string) => console.log(escapeControlChars(line));
  switch (command.kind) {
    case "help":
      log(command.text);
      return 0;
    case "version":
      log(packageJson.version);
      return 0;
    case "serve": {
      const { serveStore } = await import("../report/serve.ts");
      try {
        serveStore(command.storeDir, command.port, command.host);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        console.error(error.message); // a port in use, say: one line, exit 254
        return 254;
      }
      return await new Promise<number>(() => {}); // serves until interrupted
    }
    case "analyze":
      return await analyzeRun(command.runDir, log, command.flags);
    case "test":
      return (await runTestCommand(command, { log })).exitCode;
  }
}

if (import.meta.main) {
  try {
    process.exit(await main(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(255);
  }
}
