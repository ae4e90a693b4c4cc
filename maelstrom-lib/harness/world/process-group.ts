/**
 * Node process groups, and what kills them when the runner cannot. Each node is spawned in a
 * session (and so a process group) of its own, and every signal the runner sends goes to the
 * whole group: processes a node forks are killed, paused and resumed with it, and a Ctrl-C on
 * the terminal reaches only the runner, which then kills the nodes itself.
 *
 * A runner killed by SIGKILL runs no cleanup at all, and a node that ignores the end of its
 * stdin would live on. Linux's PR_SET_PDEATHSIG would kill only the node, not what it forked,
 * and Bun offers no hook to set it in the child; so the runner starts one small watchdog per
 * process instead: a POSIX shell, in a session of its own (a kill of the runner's group spares
 * it), that reads "add PGID" / "del PGID" lines on its stdin. When that stdin ends, which the
 * kernel does as the runner dies however it dies, it SIGKILLs every group still listed.
 */
import type { Subprocess } from "bun";

/** Reads add/del lines until stdin ends, then kills the groups left. */
const WATCHDOG_SCRIPT = [
  'groups=" "',
  "while read -r op pgid; do",
  "  case $op in",
  '    add) groups="$groups$pgid " ;;',
  '    del) case $groups in *" $pgid "*) groups="${groups%% $pgid *} ${groups#* $pgid }" ;; esac ;;',
  "  esac",
  "done",
  "for pgid in $groups; do kill -9 -$pgid 2>/dev/null; done",
].join("\n");

let watchdog: Subprocess<"pipe", "ignore", "ignore"> | undefined;
/** The groups alive now, to hand to a new watchdog if the old one was killed. */
const liveGroups = new Set<number>();

function tellWatchdog(line: string): void {
  try {
    if (watchdog === undefined || watchdog.exitCode !== null || watchdog.signalCode !== null) {
      watchdog = Bun.spawn(["/bin/sh", "-c", WATCHDOG_SCRIPT], {
        stdin: "pipe",
        stdout: "ignore",
        stderr: "ignore",
        detached: true,
      });
      watchdog.unref(); // it must never keep the runner alive; its stdin closes when the runner exits
      for (const pgid of liveGroups) if (`add ${pgid}\n` !== line) watchdog.stdin.write(`add ${pgid}\n`);
    }
    ignoreRejection(watchdog.stdin.write(line));
    ignoreRejection(watchdog.stdin.flush());
  } catch {
    // No shell to watch with: the runner still kills every group itself, on every exit it survives.
  }
}

/** Puts a node's group (its pid: the node leads its own session) under the watchdog. */
export function watchGroup(pgid: number): void {
  liveGroups.add(pgid);
  tellWatchdog(`add ${pgid}\n`);
}

/** SIGKILLs a group and takes it off the watchdog's list: called once its leader has exited and been killed. */
export function releaseGroup(pgid: number): void {
  signalGroup(pgid, "SIGKILL");
  if (liveGroups.delete(pgid)) tellWatchdog(`del ${pgid}\n`);
}

/** Sends `signal` to every process of the group; false when none was left to receive it. */
export function signalGroup(pgid: number, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the whole group is gone
  }
}

function ignoreRejection(result: unknown): void {
  if (result instanceof Promise) result.catch(() => {});
}
