/**
 * The store's file operations, and the two ways it writes: a bounded buffer flushed as it fills
 * (the journal, as the run goes), and whole files through a temporary name and a rename, so a
 * reader sees the old file or the new one and never half of one. Every failure is a StoreError
 * whose message is one line naming the file and the system's reason (a full disk, a read-only
 * store). The operations are injected so tests can fail them as a full disk would.
 */
import { randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, writeSync } from "node:fs";
import { dirname, relative } from "node:path";

/** A file open for writing from its start; writes are synchronous. */
export interface StoreFile {
  write(text: string): void;
  close(): void;
}

/** What the store does to the file system. */
export interface StoreFs {
  /** Creates one directory; throws EEXIST when the path exists. */
  mkdir(path: string): void;
  /** Creates every missing directory of a path. */
  mkdirs(path: string): void;
  /** Creates or truncates a file for writing. */
  open(path: string): StoreFile;
  rename(from: string, to: string): void;
  symlink(target: string, path: string): void;
  /** Removes a file or link if it is there. */
  remove(path: string): void;
}

/** The real file system. */
export const NODE_FS: StoreFs = {
  mkdir: (path) => mkdirSync(path),
  mkdirs: (path) => void mkdirSync(path, { recursive: true }),
  open: (path) => {
    const fd = openSync(path, "w");
    return { write: (text) => writeAll(fd, text), close: () => closeSync(fd) };
  },
  rename: renameSync,
  symlink: (target, path) => symlinkSync(target, path),
  remove: (path) => rmSync(path, { force: true }),
};

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
}

/** A store operation that failed; `code` is the system's (ENOSPC, EROFS, EACCES, ...). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The system's reason in words, for the errors a store meets. */
const REASONS: Record<string, string> = {
  ENOSPC: "no space left on the disk",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a part of the path is not a folder",
  ENOENT: "no such file or folder",
};

/** A StoreError saying what could not be done to which path, and why, on one line. */
export function storeError(action: string, path: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === "string" ? REASONS[code] : undefined;
  const why = known ? `${known} (${code})` : error instanceof Error ? error.message.split("\n")[0]! : String(error);
  return new StoreError(`cannot ${action} ${path}: ${why}`, typeof code === "string" ? code : undefined);
}

/** Default size of a writer's buffer: big enough to make few system calls, small enough to be no memory at all. */
const WRITE_BUFFER_CHARS = 64 * 1024;

/**
 * Text appended to a file through a bounded buffer: written out whenever it holds
 * `bufferChars`, and at `close`. A string longer than the buffer goes straight through.
 */
export class BufferedWriter {
  private readonly chunks: string[] = [];
  private bufferedChars = 0;

  constructor(
    private readonly file: StoreFile,
    private readonly bufferChars = WRITE_BUFFER_CHARS,
  ) {}

  /** Appends `text`; throws what the file throws when a flush fails. */
  write(text: string): void {
    this.chunks.push(text);
    this.bufferedChars += text.length;
    if (this.bufferedChars >= this.bufferChars) this.flush();
  }

  /** Writes out what the buffer holds. */
  flush(): void {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join("");
    this.chunks.length = 0;
    this.bufferedChars = 0;
    this.file.write(text);
  }

  /** Flushes and closes the file. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.file.close();
    }
  }
}

/** How much a whole-file write writes before it lets the event loop run again (signal handlers). */
const YIELD_EVERY_CHARS = 4 * 1024 * 1024;

/**
 * Writes `path` whole from `pieces` (lines, or the file's one text): first to a temporary
 * file beside it, then renamed over it. Killed halfway, it leaves the old file (or none) and a
 * `.partial` file, never a file cut short. Throws a StoreError.
 */
export async function writeFileAtomic(fs: StoreFs, path: string, pieces: Iterable<string>): Promise<void> {
  await yieldToEventLoop(); // between files, a second Ctrl-C can quit
  const temporary = temporaryName(path);
  let file: StoreFile | undefined;
  try {
    file = fs.open(temporary);
    const writer = new BufferedWriter(file);
    let sinceYield = 0;
    for (const piece of pieces) {
      writer.write(piece);
      sinceYield += piece.length;
      if (sinceYield >= YIELD_EVERY_CHARS) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
    file = undefined;
    writer.close();
    fs.rename(temporary, path);
  } catch (error) {
    throw discardTemporary(fs, path, file, error);
  }
}

/**
 * writeFileAtomic for one small text, at once: the files a checker hands back, written where the
 * check runs (a synchronous step). The same temporary name, rename and one-line StoreError.
 */
export function writeTextAtomic(fs: StoreFs, path: string, text: string): void {
  const temporary = temporaryName(path);
  let file: StoreFile | undefined;
  try {
    file = fs.open(temporary);
    file.write(text);
    const written = file;
    file = undefined;
    written.close();
    fs.rename(temporary, path);
  } catch (error) {
    throw discardTemporary(fs, path, file, error);
  }
}

/** Where a whole-file write goes before its rename: beside the file, named for this process. */
function temporaryName(path: string): string {
  return `${path}.${process.pid}.partial`;
}

/** After a whole-file write failed: closes and removes its temporary file; the StoreError to throw. */
function discardTemporary(fs: StoreFs, path: string, open: StoreFile | undefined, error: unknown): StoreError {
  try {
    open?.close();
    fs.remove(temporaryName(path));
  } catch {
    // the write's own error is the one to report
  }
  return storeError("write", path, error);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Points the symlink `link` at `target` (relatively) in one step: a new link under a
 * temporary name, renamed over the old one, so `link` always names a run (Jepsen's store.clj
 * symlinks). Two runs racing leave it at either, never missing.
 */
export function pointLink(fs: StoreFs, link: string, target: string): void {
  // Unique per call: runs in parallel (simulated ones share a process) point the same links.
  const temporary = `${link}.${process.pid}.${randomUUID()}.partial`;
  try {
    fs.remove(temporary);
    fs.symlink(relative(dirname(link), target), temporary);
    fs.rename(temporary, link);
  } catch (error) {
    try {
      fs.remove(temporary);
    } catch {
      // the link's own error is the one to report
    }
    throw storeError("point", link, error);
  }
}
