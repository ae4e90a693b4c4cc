/**
 * The environment a node starts in: the runner's own, with `--no-install` added to
 * BUN_OPTIONS (flags Bun prepends to every `bun` it runs). A TypeScript node started
 * through its `#!/usr/bin/env bun` shebang with no node_modules above it would otherwise
 * have Bun auto-install its imports from the public registry on the fly, where an unrelated
 * package of the same name (say `maelstrom-lib`) could answer. With the flag, a missing
 * package is an error naming it, reported as the node's crash. Other nodes ignore it.
 * Nothing else is added: PYTHONUNBUFFERED, say, would make a Python node that never flushes
 * pass here and fail under Maelstrom, which does not set it.
 */
export function nodeEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const options = env.BUN_OPTIONS?.trim() ?? "";
  if (options.split(/\s+/).includes("--no-install")) return env;
  return { ...env, BUN_OPTIONS: options === "" ? "--no-install" : `${options} --no-install` };
}
