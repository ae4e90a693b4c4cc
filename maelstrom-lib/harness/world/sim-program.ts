/**
 * A node program for the simulation: `--bin` bundled once with Bun.build, its few external
 * imports (Node's and Bun's built-in modules) turned into calls the simulation answers, and
 * the result made into one async function whose parameters shadow the globals a node could
 * read time, randomness or I/O from. Each call of that function is one node instance with its
 * own module state, so a kill can throw an instance away and a restart can begin a new one.
 * Only programs on our runtime are simulated: the bundle must contain its `Node`.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CliError } from "../contracts/options.ts";

/** The globals each instance gets its own of, in the order of the function's parameters. */
export const SHADOWED_GLOBALS = [
  "__simRequire",
  "__importMeta",
  "globalThis",
  "global",
  "self",
  "Date",
  "performance",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "Math",
  "crypto",
  "Bun",
  "process",
  "console",
  "Worker",
  "fetch",
  "WebSocket",
] as const;

/** One global's name. */
export type ShadowedGlobal = (typeof SHADOWED_GLOBALS)[number];

/** The package whose runtime a simulated program must be built on. */
const RUNTIME_PACKAGE = "@gossip-glomers-ts/maelstrom";
const SCRIPT_EXTENSIONS = new Set([".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts"]);

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<unknown>;

/** A program ready to be instantiated, or one that fails to load (as a process would crash at start). */
export class NodeProgram {
  private readonly factory: ((...args: unknown[]) => Promise<unknown>) | undefined;

  private constructor(
    /** The `--bin` path. */
    readonly bin: string,
    /** The function body (rewritten bundle), or undefined when the program does not build. */
    readonly source: string | undefined,
    /** Why it does not build (Bun's messages), shown as the node's stderr when it is started. */
    readonly loadError: string | undefined,
  ) {
    this.factory = source === undefined ? undefined : compile(bin, source);
  }

  /** A program from a body made by `load` (a worker gets the text, not the object). */
  static fromSource(bin: string, source: string | undefined, loadError: string | undefined): NodeProgram {
    return new NodeProgram(bin, source, loadError);
  }

  /**
   * Bundles `bin` (once per file and modification time in this thread). Throws CliError, one
   * line, for a file that is no TypeScript/JavaScript program or is not built on our runtime.
   */
  static async load(bin: string): Promise<NodeProgram> {
    const mtimeMs = statSync(bin).mtimeMs;
    const cached = programCache.get(bin);
    if (cached && cached.mtimeMs === mtimeMs) return cached.program;
    const program = await build(bin);
    programCache.set(bin, { mtimeMs, program });
    return program;
  }

  /** `import.meta` for the instance: the program's own file, run as the main module. */
  importMeta(require: (name: string) => unknown): Record<string, unknown> {
    return {
      main: true,
      path: this.bin,
      dir: dirname(this.bin),
      file: this.bin.split("/").at(-1),
      url: pathToFileURL(this.bin).href,
      require,
    };
  }

  /** Starts one instance: evaluates the bundle with these globals; settles when its top level does. */
  instantiate(globals: Record<ShadowedGlobal, unknown>): Promise<unknown> {
    if (this.factory === undefined)
      return Promise.reject(new ProgramLoadError(this.loadError ?? "the program did not build"));
    return this.factory(...SHADOWED_GLOBALS.map((name) => globals[name]));
  }
}

/** The program could not be built (a syntax error, a missing import): reported as its crash at start. */
export class ProgramLoadError extends Error {}

const programCache = new Map<string, { mtimeMs: number; program: NodeProgram }>();

async function build(bin: string): Promise<NodeProgram> {
  if (!SCRIPT_EXTENSIONS.has(extname(bin))) {
    throw new CliError(
      `--sim runs only TypeScript or JavaScript nodes built on ${RUNTIME_PACKAGE}; ` +
        `${bin} is neither (run it without --sim)`,
    );
  }
  let result: Awaited<ReturnType<typeof Bun.build>>;
  try {
    result = await Bun.build({ entrypoints: [bin], target: "bun", format: "esm", metafile: true });
  } catch (error) {
    return NodeProgram.fromSource(bin, undefined, buildMessages(error));
  }
  if (!result.success || !result.outputs[0])
    return NodeProgram.fromSource(bin, undefined, result.logs.map(describeBuildMessage).join("\n"));
  if (!usesRuntime(Object.keys(result.metafile?.inputs ?? {}))) {
    throw new CliError(
      `--sim runs only nodes built on ${RUNTIME_PACKAGE} (maelstrom-lib): ` +
        `${bin} does not import its Node (run it without --sim)`,
    );
  }
  const source = toFunctionBody(await result.outputs[0].text(), bin);
  return NodeProgram.fromSource(bin, source, undefined);
}

/** Bun.build throws an AggregateError of build messages. */
function buildMessages(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describeBuildMessage).join("\n");
  return error instanceof Error ? error.message : String(error);
}

/** One of Bun's build messages as a compiler prints it: "file:line:column: error: message". */
function describeBuildMessage(message: unknown): string {
  const { position } = message as { position?: { file: string; line: number; column: number } | null };
  const text =
    message instanceof Error || typeof message === "object" ? String((message as Error).message) : String(message);
  return position ? `${position.file}:${position.line}:${position.column}: error: ${text}` : `error: ${text}`;
}

/** True when one of the bundle's inputs is our runtime's node/node.ts, wherever the package lives. */
function usesRuntime(inputs: readonly string[]): boolean {
  return inputs.some((input) => {
    const path = resolve(input);
    if (!path.endsWith("/node/node.ts")) return false;
    try {
      const manifest = JSON.parse(readFileSync(resolve(path, "../../package.json"), "utf8")) as { name?: unknown };
      return manifest.name === RUNTIME_PACKAGE;
    } catch {
      return false;
    }
  });
}

/** `import a, { b as c } from "m"`, `import * as ns from "m"`, `import "m"`, at the start of a line. */
const IMPORT_PATTERN =
  /^import\s*(?:([\w$]+)\s*,?\s*)?(?:\{([^}]*)\}|\*\s*as\s+([\w$]+))?\s*(?:from\s*)?"([^"]+)";?[ \t]*$/gm;
const EXPORT_PATTERN = /^export\s*\{[^}]*\};?[ \t]*$/gm;

/**
 * The bundle as the body of an async function: imports become `__simRequire` calls, exports
 * go (nobody imports the entry), `import.meta` is the instance's own, and everything sits in
 * a block so that a module's own `const crypto = …` may shadow a parameter of the same name.
 */
function toFunctionBody(bundle: string, bin: string): string {
  let next = 0;
  const body = bundle
    .replace(/^#!.*$/m, "")
    .replace(
      IMPORT_PATTERN,
      (
        _match,
        fallback: string | undefined,
        named: string | undefined,
        namespace: string | undefined,
        from: string,
      ) => {
        const module = `__simModule${next++}`;
        const parts = [`const ${module} = __simRequire(${JSON.stringify(from)});`];
        if (fallback) parts.push(`const ${fallback} = ${module}.default;`);
        if (named !== undefined) parts.push(`const {${named.replace(/\s+as\s+/g, ": ")}} = ${module};`);
        if (namespace) parts.push(`const ${namespace} = ${module};`);
        return parts.join(" ");
      },
    )
    .replace(EXPORT_PATTERN, "")
    .replace(/\bimport\.meta\b/g, "__importMeta");
  const leftover = /^\s*(?:import|export)\s*[\w${*"]/m.exec(body);
  if (leftover) {
    throw new CliError(
      `--sim cannot load ${bin}: its bundle keeps module syntax ` +
        `the simulation does not rewrite (${leftover[0].trim()} …)`,
    );
  }
  // Stack traces name the program, not the runner file that compiled it, nor where it lives.
  return `"use strict";\n{\n${body}\n}\n//# sourceURL=${BUNDLE_URL_PREFIX}${basename(bin)}`;
}

/** Where a simulated program's stack frames say they are: "sim-bundle/main.ts". */
export const BUNDLE_URL_PREFIX = "sim-bundle/";

/** The async function, or CliError when the rewritten bundle is no valid function body. */
function compile(bin: string, source: string): (...args: unknown[]) => Promise<unknown> {
  try {
    return new AsyncFunction(...SHADOWED_GLOBALS, source);
  } catch (error) {
    throw new CliError(`--sim cannot load ${bin}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
