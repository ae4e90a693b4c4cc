/**
 * The store under attack: a store that cannot be written (read-only, no permission, a full
 * disk), writes cut short, and `latest` moved while someone reads it. A full disk is real where
 * it can be: a file's temporary name linked to /dev/full, whose every write fails with ENOSPC.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JournalEvent } from "../contracts/journal.ts";
import type { TestOptions } from "../contracts/options.ts";
import type { RunResults } from "../contracts/results.ts";
import type { Op } from "../contracts/types.ts";
import { JournalFile } from "./journal-file.ts";
import { createRunDir, pointLatestAt, saveBeforeAnalysis, saveResults, writeCheckerFiles } from "./store.ts";
import { NODE_FS, StoreError, writeFileAtomic, type StoreFs } from "./store-fs.ts";

const fullDisk = existsSync("/dev/full");

/** A fresh folder for one test. */
function scratch(): string {
  return mkdtempSync(join(tmpdir(), "store-test-"));
}

/** What a system call throws. */
function systemError(code: string): Error {
  return Object.assign(new Error(`${code}: from the test`), { code });
}

type Failure = (call: string, path: string) => string | undefined;

/** The real file system, with the calls listed and `fail` deciding which of them throw what. */
function recordingFs(fail: Failure = () => undefined): { fs: StoreFs; calls: string[] } {
  const calls: string[] = [];
  const guard = (call: string, path: string) => {
    calls.push(`${call} ${path}`);
    const code = fail(call, path);
    if (code) throw systemError(code);
  };
  const fs: StoreFs = {
    mkdir: (path) => (guard("mkdir", path), NODE_FS.mkdir(path)),
    mkdirs: (path) => (guard("mkdirs", path), NODE_FS.mkdirs(path)),
    open: (path) => (guard("open", path), NODE_FS.open(path)),
    rename: (from, to) => (guard("rename", `${from} -> ${to}`), NODE_FS.rename(from, to)),
    symlink: (target, path) => (guard("symlink", path), NODE_FS.symlink(target, path)),
    remove: (path) => (guard("remove", path), NODE_FS.remove(path)),
  };
  return { fs, calls };
}

function event(id: number, body: Record<string, unknown> = { type: "echo" }): JournalEvent {
  return { type: "send", id, time: id * 1000, src: "c1", dest: "n0", body };
}

describe("creating a run folder in a store that cannot be written", () => {
  for (const code of ["EACCES", "EROFS", "ENOSPC"]) {
    test(`${code} making the run folder is one StoreError naming the folder and the reason, after one try`, () => {
      const store = scratch();
      const { fs, calls } = recordingFs((call) => (call === "mkdir" ? code : undefined));
      let error: unknown;
      try {
        createRunDir(store, "echo", fs);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe(code);
      const message = new RegExp(`^cannot create ${store}/echo/\\d{8}T[\\d.]+Z: .+ \\(${code}\\)$`);
      expect((error as Error).message).toMatch(message);
      expect(calls.filter((call) => call.startsWith("mkdir ")).length).toBe(1); // no retry loop
    });
  }

  test("a name taken by another run (EEXIST) is the only failure that tries the next name", () => {
    const store = scratch();
    let taken = 2;
    const { fs } = recordingFs((call) => (call === "mkdir" && taken-- > 0 ? "EEXIST" : undefined));
    expect(createRunDir(store, "echo", fs)).toMatch(/Z-2$/);
  });

  const sysfs = existsSync("/sys/kernel");
  test.skipIf(!sysfs)("a real folder the store may not write into (sysfs) fails at once instead of looping", () => {
    expect(() => createRunDir("/sys", "kernel")).toThrow(/^cannot create \/sys\/kernel\/\S+: /);
  });

  test("a store under a regular file fails with one line, not the system's stack", () => {
    const file = join(scratch(), "a-file");
    writeFileSync(file, "");
    const message = `cannot create ${file}/store/echo: a part of the path is not a folder (ENOTDIR)`;
    expect(() => createRunDir(join(file, "store"), "echo")).toThrow(message);
  });
});

describe("whole-file writes", () => {
  test.skipIf(!fullDisk)("a full disk (ENOSPC) leaves the old file as it was, no partial file, one line", async () => {
    const dir = scratch();
    const path = join(dir, "results.json");
    writeFileSync(path, "old results\n");
    symlinkSync("/dev/full", `${path}.${process.pid}.partial`);
    const written = writeFileAtomic(NODE_FS, path, ["new ", "results\n"]);
    await expect(written).rejects.toThrow(`cannot write ${path}: no space left on the disk (ENOSPC)`);
    expect(readFileSync(path, "utf8")).toBe("old results\n");
    expect(readdirSync(dir)).toEqual(["results.json"]);
  });

  test("a checker's files (Elle's elle/, lin-kv's independent/) go in whole, each through a rename", () => {
    const dir = scratch();
    const { fs, calls } = recordingFs();
    writeCheckerFiles(dir, new Map([["elle/G1b.txt", "G1b: T5 read T13's intermediate write\n"]]), fs);
    const target = join(dir, "elle", "G1b.txt");
    expect(calls).toEqual([
      `mkdirs ${join(dir, "elle")}`,
      `open ${target}.${process.pid}.partial`,
      `rename ${target}.${process.pid}.partial -> ${target}`,
    ]);
    expect(readFileSync(target, "utf8")).toBe("G1b: T5 read T13's intermediate write\n");
  });

  test.skipIf(!fullDisk)("a checker's file on a full disk is one line naming it, and leaves no partial file", () => {
    const dir = scratch();
    NODE_FS.mkdirs(join(dir, "elle"));
    const target = join(dir, "elle", "G0.txt");
    symlinkSync("/dev/full", `${target}.${process.pid}.partial`);
    const files = new Map([["elle/G0.txt", "G0: a write cycle\n"]]);
    expect(() => writeCheckerFiles(dir, files)).toThrow(`cannot write ${target}: no space left on the disk (ENOSPC)`);
    expect(readdirSync(join(dir, "elle"))).toEqual([]);
  });

  test("the file appears whole under its name only at the rename", async () => {
    const dir = scratch();
    const path = join(dir, "history.jsonl");
    const { fs, calls } = recordingFs();
    await writeFileAtomic(fs, path, ["a\n", "b\n"]);
    expect(calls).toEqual([`open ${path}.${process.pid}.partial`, `rename ${path}.${process.pid}.partial -> ${path}`]);
    expect(readFileSync(path, "utf8")).toBe("a\nb\n");
  });

  test("save-1 writes the options and the history; save-2 writes results.json after every other file", async () => {
    const runDir = scratch();
    const { fs, calls } = recordingFs();
    const opts = { workload: "echo", concurrency: 1 } as TestOptions;
    const history: Op[] = [{ index: 0, time: 0, type: "invoke", process: 0, f: "echo", value: "x" }];
    await saveBeforeAnalysis(runDir, opts, history, fs);
    expect(readdirSync(runDir).sort()).toEqual(["history.edn", "history.jsonl", "history.txt", "test.json"]);
    await saveResults(runDir, opts, history, { "valid?": true } as RunResults, ["a log line"], fs);
    const renamed = calls.filter((call) => call.startsWith("rename")).map((call) => call.split("/").at(-1));
    expect(renamed).toEqual([
      "test.json",
      "history.jsonl",
      "history.edn",
      "history.txt",
      "results.edn",
      "jepsen.log",
      "results.json",
    ]);
  });
});

describe("store/latest", () => {
  test("moves by a rename over the old link, never by deleting it first", () => {
    const store = scratch();
    const first = createRunDir(store, "echo");
    pointLatestAt(store, "echo", first);
    const second = createRunDir(store, "echo");
    const { fs, calls } = recordingFs();
    pointLatestAt(store, "echo", second, fs);
    for (const link of [join(store, "latest"), join(store, "current"), join(store, "echo", "latest")]) {
      expect(calls).not.toContain(`remove ${link}`);
      const renamed = calls.find(
        (call) => call.startsWith(`rename ${link}.${process.pid}.`) && call.endsWith(` -> ${link}`),
      );
      expect(renamed).toMatch(/\.partial -> /);
    }
    expect(readlinkSync(join(store, "latest"))).toBe(`echo/${second.split("/").at(-1)}`);
    expect(readlinkSync(join(store, "echo", "latest"))).toBe(second.split("/").at(-1)!);
    expect(readdirSync(store).sort()).toEqual(["current", "echo", "latest"]); // nothing .partial left
  });

  test("a link that cannot be made is a StoreError, and the old link stays", () => {
    const store = scratch();
    const first = createRunDir(store, "echo");
    pointLatestAt(store, "echo", first);
    const { fs } = recordingFs((call) => (call === "symlink" ? "EROFS" : undefined));
    const second = createRunDir(store, "echo");
    const message = `cannot point ${store}/latest: the file system is read-only (EROFS)`;
    expect(() => pointLatestAt(store, "echo", second, fs)).toThrow(message);
    expect(readlinkSync(join(store, "latest"))).toBe(`echo/${first.split("/").at(-1)}`);
  });
});

describe("the journal file", () => {
  test("goes to disk as it fills a bounded buffer, and whole at close", () => {
    const path = join(scratch(), "net-journal.jsonl");
    const journal = new JournalFile(path, NODE_FS, () => {}, 1000);
    journal.append(event(0));
    expect(readFileSync(path, "utf8")).toBe(""); // buffered
    for (let id = 1; id < 100; id++) journal.append(event(id));
    const onDisk = readFileSync(path, "utf8").split("\n").length - 1;
    expect(onDisk).toBeGreaterThan(80); // flushed as it filled: at most one buffer's worth held back
    journal.close();
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines.length).toBe(100);
    expect(JSON.parse(lines[42]!)).toEqual(event(42));
  });

  test("the same events give the same bytes (no wall-clock time in a line)", async () => {
    const dir = scratch();
    const events = Array.from({ length: 500 }, (_, id) => event(id, { type: "gossip", values: [id, id * 2] }));
    for (const name of ["a.jsonl", "b.jsonl"]) {
      const journal = new JournalFile(join(dir, name), NODE_FS, () => {}, 512);
      for (const each of events) journal.append(each);
      await Bun.sleep(5);
      journal.close();
    }
    expect(readFileSync(join(dir, "a.jsonl"), "utf8")).toBe(readFileSync(join(dir, "b.jsonl"), "utf8"));
    expect(readFileSync(join(dir, "a.jsonl"), "utf8").split("\n")[0]).toBe(JSON.stringify(events[0]));
  });

  test("a message's send and recv lines are exactly JSON.stringify's", () => {
    const path = join(scratch(), "net-journal.jsonl");
    const body = { type: "cas", key: 'k"1', from: 1.5, to: -2e21, nested: { "é\n": [null, true] }, msg_id: 7 };
    const send: JournalEvent = { type: "send", id: 3, time: 1_000_123, src: "n0", dest: "lin-kv", body };
    const recv: JournalEvent = { ...send, type: "recv", time: 1_000_456 };
    const other: JournalEvent = { ...recv, id: 4, body: { ...body, msg_id: 8 } }; // never sent here
    const journal = new JournalFile(path, NODE_FS, () => {});
    for (const each of [send, recv, other, recv]) journal.append(each);
    journal.close();
    expect(readFileSync(path, "utf8")).toBe([send, recv, other, recv].map((e) => `${JSON.stringify(e)}\n`).join(""));
  });

  test.skipIf(!fullDisk)("a full disk stops the journal and says so once; appending never throws", () => {
    const path = join(scratch(), "net-journal.jsonl");
    symlinkSync("/dev/full", path);
    const errors: StoreError[] = [];
    const journal = new JournalFile(path, NODE_FS, (error) => errors.push(error), 100);
    for (let id = 0; id < 50; id++) journal.append(event(id));
    journal.close();
    expect(errors.map((error) => error.message)).toEqual([`cannot write ${path}: no space left on the disk (ENOSPC)`]);
  });

  test("a body too deep to print is recorded as such, not thrown into the sender", () => {
    const path = join(scratch(), "net-journal.jsonl");
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const journal = new JournalFile(path, NODE_FS, () => {});
    journal.append(event(0, { type: "deep", value: deep }));
    journal.close();
    const line = JSON.parse(readFileSync(path, "utf8"));
    expect(line).toMatchObject({ type: "send", id: 0, body: { unprintable: expect.stringContaining("call stack") } });
  });

  test("a journal that cannot be created is one StoreError", () => {
    const dir = join(scratch(), "missing-folder");
    const open = () => new JournalFile(join(dir, "net-journal.jsonl"), NODE_FS, () => {});
    expect(open).toThrow(`cannot create ${dir}/net-journal.jsonl: no such file or folder (ENOENT)`);
  });
});
