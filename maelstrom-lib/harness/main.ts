#!/usr/bin/env bun
/** `bun run maelstrom <command> ...`: Maelstrom's CLI, with its exit codes. */
import { CliError, parseCommand } from "./cli.ts";
import { runMaelstrom } from "./index.ts";

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      return 254;
    }
    throw error;
  }
  switch (command.kind) {
    case "help":
      console.log(command.text);
      return 0;
    case "serve": {
      const { serveStore } = await import("./report/serve.ts");
      await serveStore(command.storeDir, command.port, command.host);
      return await new Promise<number>(() => {}); // serves until interrupted
    }
    case "test": {
      const run = await runMaelstrom(argv, { log: (line) => console.log(line) });
      return run.exitCode;
    }
  }
}

try {
  process.exit(await main(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(255);
}
