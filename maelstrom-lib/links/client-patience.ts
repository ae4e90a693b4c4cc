/**
 * Replies that wait on peers, sent only while the client still waits for them.
 *
 * Maelstrom's clients wait 5 s for a reply and then go away, and a reply to a client that has
 * gone away is an invalid destination: Maelstrom then stops reading the node's stdout for the
 * rest of the run (its process.clj). A handler that waits for a peer (a second copy of a write,
 * under a partition perhaps forever) must give up before the client does. It then sends
 * nothing, and the client's timeout records the op as indeterminate, which it is: the write
 * may still spread.
 */
import type { Clock } from "../node/clock.ts";

/** Maelstrom's 5 s client timeout, less a margin for a busy machine. */
export const CLIENT_PATIENCE_MS = 4_000;

/** `reply`'s value once it settles, or undefined (no reply) if that takes longer than CLIENT_PATIENCE_MS. */
export function withinClientPatience<R>(clock: Clock, reply: Promise<R>): Promise<R | undefined> {
  return new Promise((resolve, reject) => {
    const cancel = clock.after(CLIENT_PATIENCE_MS, () => resolve(undefined));
    reply.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error) => {
        cancel();
        reject(error);
      },
    );
  });
}
