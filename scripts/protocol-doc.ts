#!/usr/bin/env bun
/**
 * `bun run protocol-doc`: prints the protocol reference, docs/protocol.md, from the schemas and
 * the error table in maelstrom-lib/protocol/, as Maelstrom's doc.clj prints its doc/workloads.md
 * and doc/protocol.md from its defrpc registry and error registry. protocol-doc.test.ts fails
 * while the file on disk differs from what the protocol says now.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeSchema, errorTable, PROTOCOL_SECTIONS } from "../maelstrom-lib/protocol/index.ts";
import type { ProtocolSection } from "../maelstrom-lib/protocol/index.ts";

/** Where the reference lives, from the repository root. */
export const PROTOCOL_DOC_PATH = join(import.meta.dir, "..", "docs", "protocol.md");

const INTRO = `# Protocol reference

<!-- Printed by \`bun run protocol-doc\` from maelstrom-lib/protocol/; edit the schemas there, not this file. -->

A node reads one JSON message per line on stdin and writes one per line on stdout; anything
else it prints goes to stderr. A message is \`{"src": …, "dest": …, "body": …}\`. Every body has
a \`type\`. A request that wants a reply carries an integer \`msg_id\`, and its reply carries
that number as \`in_reply_to\` (and may carry a \`msg_id\` of its own). Instead of its reply a
node may answer \`{"type": "error", "code": …, "text": …}\` with a code from the table at the end.

Each request and reply below is written as a closed map, in the notation Maelstrom's schema
errors use: \`Int\`, \`Str\`, \`Bool\`, \`Any\` (any JSON value), \`(eq "x")\` (exactly that
value; \`nil\` is null), \`[Int]\` (a list of ints; null counts as an empty list), \`[Int Any]\`
(a pair), \`{Str Int}\` (an object with integer values) and \`(either …)\`. A body may carry no
key that is not listed. For a workload, a request shows what this runner sends and a reply what
it accepts; for a service, a request shows what a node may send and a reply what it gets back.

In TypeScript the same schemas type a node: \`new Node<BroadcastProtocol>()\` (from
\`maelstrom-lib\`) types every handler's request and reply.
`;

/** The whole reference, as docs/protocol.md holds it. */
export function renderProtocolDoc(): string {
  const contents = PROTOCOL_SECTIONS.map((section) => `- [${section.title}](#${slug(section.title)})`);
  const parts = [INTRO, "## Contents\n", ...contents];
  parts.push("- [Errors](#errors)\n");
  for (const section of PROTOCOL_SECTIONS) parts.push(renderSection(section));
  parts.push(renderErrors());
  return `${parts.join("\n")}\n`;
}

function renderSection({ title, about, rpcs }: ProtocolSection): string {
  const lines = [`## ${title}\n`, `${about}\n`];
  for (const [type, rpc] of Object.entries(rpcs)) {
    lines.push(`### ${type}\n`, `${rpc.doc}\n`);
    lines.push("Request:\n", "```clj", describeSchema(rpc.request), "```\n");
    lines.push("Reply:\n", "```clj", describeSchema(rpc.reply), "```\n");
  }
  return lines.join("\n");
}

type ErrorRow = ReturnType<typeof errorTable>[number];

function renderErrors(): string {
  const row = ({ code, name, definite, doc }: ErrorRow) =>
    `| ${code} | ${name} | ${definite ? "yes" : "no"} | ${doc} |`;
  const rows = errorTable().map(row);
  return [
    "## Errors\n",
    "A definite error promises the operation did not happen; return one only when that is true. Codes from",
    "1000 up are free for a program's own errors, and count as indefinite.\n",
    "| Code | Name | Definite | Meaning |",
    "| ---- | ---- | -------- | ------- |",
    ...rows,
  ].join("\n");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
}

if (import.meta.main) {
  writeFileSync(PROTOCOL_DOC_PATH, renderProtocolDoc());
  console.log(`wrote ${PROTOCOL_DOC_PATH}`);
}
