/**
 * Stack traces of simulated nodes. A node's code runs inside the runner's thread, so the
 * engine would list the simulation's own frames (its timers, its event loop) among the
 * node's, with the runner's absolute paths: noise, and different on every machine. While a
 * simulation runs, an error with frames of a node program shows only those (as a process
 * shows only its own); any other error keeps all its frames.
 */
import { BUNDLE_URL_PREFIX } from "./sim-program.ts";

/** V8's CallSite, as far as the formatting needs it (Bun implements the same API). */
interface CallSite {
  getFileName(): string | null | undefined;
  getFunctionName(): string | null | undefined;
  getLineNumber(): number | null | undefined;
  getColumnNumber(): number | null | undefined;
}

type PrepareStackTrace = (error: Error, frames: CallSite[]) => unknown;
const errorConstructor = Error as ErrorConstructor & { prepareStackTrace?: PrepareStackTrace };

/** Formats stacks as described above until the returned function is called. */
export function formatNodeStacks(): () => void {
  const previous = errorConstructor.prepareStackTrace;
  errorConstructor.prepareStackTrace = (error, frames) => {
    const own = frames.filter((frame) => frame.getFileName()?.startsWith(BUNDLE_URL_PREFIX));
    if (own.length === 0 && previous) return previous(error, frames);
    return [Error.prototype.toString.call(error), ...(own.length > 0 ? own : frames).map(formatFrame)].join("\n");
  };
  return () => {
    errorConstructor.prepareStackTrace = previous;
  };
}

function formatFrame(frame: CallSite): string {
  const where = `${frame.getFileName() ?? "native"}:${frame.getLineNumber() ?? 0}:${frame.getColumnNumber() ?? 0}`;
  return `    at ${frame.getFunctionName() || "<anonymous>"} (${where})`;
}
