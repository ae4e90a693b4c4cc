/** The g-set workload's messages (Maelstrom's workload/g_set.clj). */
import { defineRpc, isAny, isArrayOf, isInt, type MessagesOf, rpcTable } from "./schema.ts";

/** g_set.clj's `add!`: Maelstrom accepts any element; the runner sends integers 0, 1, 2, … */
export const ADD = defineRpc({
  doc: "Add `element` to the grow-only set.",
  request: { type: "add", required: { element: isInt } },
  reply: { type: "add_ok", required: {} },
});

/** g_set.clj's `read`: the set under `value` (its docstring says `elements`; its schema says `value`). */
export const READ = defineRpc({
  doc: "The whole set, as an array under `value`.",
  request: { type: "read", required: {} },
  reply: { type: "read_ok", required: { value: isArrayOf(isAny) } },
});

/** What a g-set node answers, by request type. */
export const gSetRpcs = rpcTable(ADD, READ);

/** The bodies a g-set node receives and replies: `new Node<GSetProtocol>()`. */
export type GSetProtocol = MessagesOf<typeof gSetRpcs>;
