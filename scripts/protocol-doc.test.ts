/**
 * docs/protocol.md is printed from maelstrom-lib/protocol/ (scripts/protocol-doc.ts): this test
 * fails while the file on disk says something else than the schemas and the error table do.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { describeSchema, errorTable, PROTOCOL_SECTIONS } from "../maelstrom-lib/protocol/index.ts";
import { PROTOCOL_DOC_PATH, renderProtocolDoc } from "./protocol-doc.ts";

test("docs/protocol.md is what the protocol prints now (if not: bun run protocol-doc)", () => {
  expect(readFileSync(PROTOCOL_DOC_PATH, "utf8")).toBe(renderProtocolDoc());
});

test("the reference shows every RPC's request and reply schema and every error code", () => {
  const doc = renderProtocolDoc();
  for (const { title, rpcs } of PROTOCOL_SECTIONS) {
    expect(doc).toContain(`## ${title}\n`);
    for (const [type, rpc] of Object.entries(rpcs)) {
      expect(doc).toContain(`### ${type}\n\n${rpc.doc}\n`);
      expect(doc).toContain(describeSchema(rpc.request));
      expect(doc).toContain(describeSchema(rpc.reply));
    }
  }
  for (const { code, name } of errorTable()) expect(doc).toContain(`| ${code} | ${name} |`);
});
