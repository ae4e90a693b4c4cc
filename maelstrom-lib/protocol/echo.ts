/** The echo workload's message (Maelstrom's workload/echo.clj): challenge 1. */
import { defineRpc, isAny, isString, type MessagesOf, rpcTable } from "./schema.ts";

/** echo.clj's `echo!`: the runner sends a string; any value back under the same key. */
export const ECHO = defineRpc({
  doc: "Send the value of `echo` back, unchanged, in an `echo_ok`.",
  request: { type: "echo", required: { echo: isString } },
  reply: { type: "echo_ok", required: { echo: isAny } },
});

/** What an echo node answers, by request type. */
export const echoRpcs = rpcTable(ECHO);

/** The bodies an echo node receives and replies: `new Node<EchoProtocol>()`. */
export type EchoProtocol = MessagesOf<typeof echoRpcs>;
