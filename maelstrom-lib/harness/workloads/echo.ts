/**
 * The echo workload (echo.clj): clients send `{"type":"echo","echo":"Please echo N"}` and expect
 * the same value back in an `echo_ok`. Every ok or fail completion that does not carry the same
 * echo is an error. An echo that timed out (:info) or never completed is none: Maelstrom's checker
 * pairs ops with Knossos' `history/pair-index`, whose `pairs` leave an :info unpaired.
 */
import { isClientOp, pairOps } from "../contracts/history.ts";
import { ECHO } from "../../protocol/echo.ts";
import { EXAMPLES_SHOWN, explained, secondsOf, show, where } from "../checkers/explaining.ts";
import type { ExplanationDraft, Op, Workload } from "../contracts/types.ts";

const MAX_ECHO_NUMBER = 128;

/** One echo that did not come back as sent: the string sent and its ok or fail completion. */
export type EchoError = { expected: unknown; received: Op };

/** Maelstrom's echo checker result. */
export type EchoResult = { "valid?": boolean; errors: EchoError[] };

/** Every echo that completed ok or fail must have come back carrying exactly the string that was sent. */
export function checkEcho(history: readonly Op[]): EchoResult {
  const errors: EchoError[] = [];
  for (const { invoke, completion } of pairOps(history)) {
    if (!isClientOp(invoke) || completion === undefined || completion.type === "info") continue;
    const reply = completion.value as { echo?: unknown } | undefined;
    if (completion.type !== "ok" || reply?.echo !== invoke.value)
      errors.push({ expected: invoke.value, received: completion });
  }
  return { "valid?": errors.length === 0, errors };
}

/** Why an echo result is not valid: each echo that did not come back as sent, and what came back instead. */
export function explainEcho(result: EchoResult): ExplanationDraft {
  const findings = result.errors.slice(0, EXAMPLES_SHOWN).map(({ expected, received }) => {
    const got = !received
      ? "no completion"
      : received.type === "ok"
        ? `echo_ok with ${show(echoIn(received.value))}`
        : `${received.type}${received.error === undefined ? "" : ` ${show(received.error)}`}`;
    const at = received ? ` at ${secondsOf(received.time)}${where(received)}` : "";
    return { text: `sent ${show(expected)}, got ${got}${at}`, ops: received ? [received.index] : [] };
  });
  const echoes = result.errors.length === 1 ? "1 echo" : `${result.errors.length} echoes`;
  return explained(`${echoes} did not come back as sent`, findings);
}

/** The `echo` of a reply body, if it has one. */
function echoIn(body: unknown): unknown {
  return typeof body === "object" && body !== null && "echo" in body ? body.echo : undefined;
}

const echo: Workload<EchoResult> = {
  name: "echo",
  fs: new Set(["echo"]),
  reusableClient: false,
  idempotent: new Set(),
  newClient: (connection) => ({
    async invoke(op) {
      const reply = await connection.call(ECHO, { echo: op.value });
      return { type: "ok", value: reply };
    },
  }),
  generator: ({ rng }) => ({
    next: () => ({ f: "echo", value: `Please echo ${rng.int(0, MAX_ECHO_NUMBER)}` }),
  }),
  check: (history) => checkEcho(history),
  explain: explainEcho,
};

export default echo;
