/**
 * The package as a user outside this repository gets it: `bun pm pack`, `bun add <tarball>` in
 * a fresh folder under the system's temp folder, then the installed `maelstrom` command runs a
 * Python node and a TypeScript node (on the installed runtime) given by relative `--bin` paths.
 * A global install (`bun add -g`) gives the command, but a TypeScript node still needs the
 * package installed in its own project, as the README says. Every Bun started here points at a
 * local "registry" that records what it is asked and answers 404, so the test also shows that
 * nothing needs (or tries) the network.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LIB_DIR = import.meta.dir;
const REPO_DIR = join(LIB_DIR, "..");
const PACKAGE = JSON.parse(readFileSync(join(LIB_DIR, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  exports: Record<string, string>;
};

/** A registry that knows no package and writes down every path it was asked for. */
const registryRequests: string[] = [];
/** The requests the test provoked on purpose, from a Bun run outside the runner. */
const provokedRequests: string[] = [];
let registry: ReturnType<typeof Bun.serve>;
let env: Record<string, string | undefined>;
let project: string;
let tarball: string;
let repoStoreBefore: string[];

interface Finished {
  exitCode: number;
  output: string;
}

async function run(argv: string[], cwd: string): Promise<Finished> {
  const proc = Bun.spawn(argv, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [exitCode, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { exitCode, output: `${stdout}${stderr}` };
}

/** Every run folder in a store, as `<workload>/<timestamp>`. */
function runFolders(store: string): string[] {
  if (!existsSync(store)) return [];
  return readdirSync(store, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((workload) =>
      readdirSync(join(store, workload.name))
        .filter((name) => name !== "latest")
        .map((name) => `${workload.name}/${name}`),
    )
    .sort();
}

beforeAll(async () => {
  registry = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      registryRequests.push(new URL(request.url).pathname);
      return new Response("not found", { status: 404 });
    },
  });
  const registryUrl = `http://127.0.0.1:${registry.port}/`;
  env = { ...process.env, BUN_CONFIG_REGISTRY: registryUrl, NPM_CONFIG_REGISTRY: registryUrl };
  repoStoreBefore = runFolders(join(REPO_DIR, "store"));
  project = mkdtempSync(join(tmpdir(), "maelstrom-package-"));

  const pack = await run(["bun", "pm", "pack", "--destination", project], LIB_DIR);
  expect(pack.exitCode, pack.output).toBe(0);
  tarball = readdirSync(project).find((name) => name.endsWith(".tgz"))!;
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "my-solution", private: true }, null, 2)}\n`);
  const add = await run(["bun", "add", `./${tarball}`], project);
  expect(add.exitCode, add.output).toBe(0);
  cpSync(join(LIB_DIR, "testdata", "outside"), join(project, "nodes"), { recursive: true });
}, 30_000);

afterAll(() => {
  registry?.stop(true);
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  test("holds the runtime, the runner and the README, and no tests, testdata or store", async () => {
    const listing = await run(["tar", "tzf", tarball], project);
    const files = listing.output
      .trim()
      .split("\n")
      .map((line) => line.replace(/^package\//, ""));
    expect(files).toContain("README.md");
    expect(files).toContain("package.json");
    for (const target of [...Object.values(PACKAGE.exports), ...Object.values(PACKAGE.bin)]) {
      expect(files).toContain(target.replace(/^\.\//, ""));
    }
    expect(files.filter((file) => /\.test\.ts$|(^|\/)testdata\/|^(store|bench)\//.test(file))).toEqual([]);
  });

  test("every module it exports or runs resolves inside the installed copy", async () => {
    // The bundler follows every static and dynamic import: one that reaches a file the package
    // does not ship (a test helper, a testdata fixture) fails here, not at a user's run.
    const installed = join(project, "node_modules", PACKAGE.name);
    const entrypoints = [...Object.values(PACKAGE.exports), ...Object.values(PACKAGE.bin)].map((target) =>
      join(installed, target),
    );
    const build = await Bun.build({ entrypoints, target: "bun" });
    expect(build.logs.map(String)).toEqual([]);
    expect(build.success).toBe(true);
  });
});

describe("the installed maelstrom command, from a folder outside the repository", () => {
  const echo = { workload: "echo", flags: ["--node-count", "1"], timeoutMs: 20_000 };
  // broadcast's final reads wait 10 s for recovery after the time limit, as in Maelstrom (in
  // real time for a process, in virtual time under --sim).
  const broadcast = { workload: "broadcast", flags: ["--node-count", "3", "--rate", "20"], timeoutMs: 40_000 };
  const cases = [
    { language: "Python", bin: "nodes/echo_broadcast.py", ...echo },
    { language: "Python", bin: "nodes/echo_broadcast.py", ...broadcast },
    { language: "TypeScript", bin: "nodes/echo-broadcast.ts", ...echo },
    // The TypeScript node is on the installed runtime, so the installed runner can simulate it.
    { language: "TypeScript", bin: "nodes/echo-broadcast.ts", ...broadcast, flags: [...broadcast.flags, "--sim"] },
  ];
  for (const { language, bin, workload, flags, timeoutMs } of cases) {
    const how = flags.includes("--sim") ? " (--sim)" : "";
    test(
      `${language} node, ${workload}${how}: valid, exit 0, the run stored in the caller's folder`,
      async () => {
        const before = runFolders(join(project, "store"));
        const argv = [
          "node_modules/.bin/maelstrom",
          "test",
          "-w",
          workload,
          "--bin",
          bin,
          "--time-limit",
          "3",
          ...flags,
        ];
        const result = await run(argv, project);
        expect(result.exitCode, result.output).toBe(0);
        expect(result.output).toContain("Everything looks good!");
        const results = JSON.parse(readFileSync(join(project, "store", "latest", "results.json"), "utf8")) as {
          "valid?": unknown;
          runner: { simulated?: boolean };
        };
        expect(results["valid?"]).toBe(true);
        expect(results.runner.simulated === true).toBe(how !== "");
        expect(runFolders(join(project, "store")).length).toBe(before.length + 1);
      },
      timeoutMs,
    );
  }

  test("the installed command prints its version, and analyze re-checks the caller's latest run", async () => {
    const version = await run(["node_modules/.bin/maelstrom", "--version"], project);
    expect(version.exitCode, version.output).toBe(0);
    expect(version.output).toContain(PACKAGE.version);
    const analyze = await run(["node_modules/.bin/maelstrom", "analyze"], project);
    expect(analyze.exitCode, analyze.output).toBe(0);
    expect(analyze.output).toContain("Everything looks good!");
  }, 30_000);

  test("the TypeScript node imported the runtime from the installed package", () => {
    // Installed as a copy, not linked back into this repository.
    const installedIndex = join(project, "node_modules", PACKAGE.name, "node", "index.ts");
    expect(readFileSync(installedIndex, "utf8")).toBe(readFileSync(join(LIB_DIR, "node", "index.ts"), "utf8"));
    expect(Bun.resolveSync(PACKAGE.name, join(project, "nodes"))).toBe(installedIndex);
  });

  test("a node whose import is not installed fails naming it; the runner never has Bun fetch it", async () => {
    const bare = mkdtempSync(join(tmpdir(), "maelstrom-no-modules-"));
    try {
      const node = join(bare, "main.ts");
      writeFileSync(node, '#!/usr/bin/env bun\nimport { Node } from "maelstrom-lib";\nawait new Node().run();\n', {
        mode: 0o755,
      });
      // Bun alone, with no node_modules above the file, asks the registry for the name ...
      const asked = registryRequests.length;
      await run(["bun", node], bare);
      provokedRequests.push(...registryRequests.slice(asked));
      expect(provokedRequests).toContain("/maelstrom-lib");
      // ... the runner starts nodes with auto-install off, so it is a crash that says why.
      const started = registryRequests.length;
      const result = await run(
        [
          join(project, "node_modules", ".bin", "maelstrom"),
          "test",
          "-w",
          "echo",
          "--bin",
          "main.ts",
          "--node-count",
          "1",
          "--time-limit",
          "3",
        ],
        bare,
      );
      expect(result.exitCode, result.output).toBe(255);
      expect(result.output).toContain("Cannot find package 'maelstrom-lib'");
      expect(registryRequests.slice(started)).toEqual([]);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  }, 20_000);
});

describe("a global install", () => {
  test("gives the command, but a TypeScript node needs the package installed in its own project", async () => {
    const home = mkdtempSync(join(tmpdir(), "maelstrom-global-"));
    // `bun add -g`, kept out of the machine's own global folders.
    const globalEnv = { ...env, BUN_INSTALL_GLOBAL_DIR: join(home, "global"), BUN_INSTALL_BIN: join(home, "bin") };
    const runGlobal = async (argv: string[], cwd: string): Promise<Finished> => {
      const proc = Bun.spawn(argv, { cwd, env: globalEnv, stdout: "pipe", stderr: "pipe" });
      const texts = [new Response(proc.stdout).text(), new Response(proc.stderr).text()];
      const [exitCode, stdout, stderr] = await Promise.all([proc.exited, ...texts]);
      return { exitCode: exitCode as number, output: `${stdout}${stderr}` };
    };
    try {
      const added = await runGlobal(["bun", "add", "-g", join(project, tarball)], home);
      expect(added.exitCode, added.output).toBe(0);
      const maelstrom = join(home, "bin", "maelstrom");
      // A project of the user's own with no node_modules: the nodes beside a fresh package.json.
      const mine = join(home, "my-nodes");
      cpSync(join(LIB_DIR, "testdata", "outside"), mine, { recursive: true });
      writeFileSync(join(mine, "package.json"), `${JSON.stringify({ name: "my-nodes", private: true }, null, 2)}\n`);
      const echoFlags = ["-w", "echo", "--node-count", "1", "--time-limit", "2"];
      const test = (bin: string) => runGlobal([maelstrom, "test", ...echoFlags, "--bin", bin], mine);

      // The global command runs a node in any language ...
      const python = await test("echo_broadcast.py");
      expect(python.exitCode, python.output).toBe(0);
      // ... but Bun resolves a node's imports from the node's own folder up, never from global installs.
      const before = await test("echo-broadcast.ts");
      expect(before.exitCode, before.output).toBe(255);
      expect(before.output).toContain(`Cannot find module '${PACKAGE.name}'`);
      // Installed in the project too (as the README says), the same node passes.
      const local = await runGlobal(["bun", "add", join(project, tarball)], mine);
      expect(local.exitCode, local.output).toBe(0);
      const after = await test("echo-broadcast.ts");
      expect(after.exitCode, after.output).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("inside the repository", () => {
  test("a challenge node the runner starts resolves its packages locally, without the registry", async () => {
    const store = join(project, "repo-run-store");
    const result = await run(
      [
        "bun",
        "maelstrom-lib/harness/cli/main.ts",
        "test",
        "-w",
        "unique-ids",
        "--bin",
        "02-unique-id-generation/main.ts",
        "--node-count",
        "1",
        "--time-limit",
        "2",
        "--store",
        store,
      ],
      REPO_DIR,
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(runFolders(store).length).toBe(1);
  }, 20_000);

  test("nothing was stored in the repository's store/, and the registry was never asked", () => {
    expect(runFolders(join(REPO_DIR, "store"))).toEqual(repoStoreBefore);
    expect(registryRequests).toEqual(provokedRequests);
  });
});
