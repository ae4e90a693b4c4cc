/**
 * The runner's side of the message schemas (protocol/schema.ts): why a body does not fit its
 * schema, as client.clj's check-body explains a malformed RPC, in the names Prismatic prints
 * for the checks.
 */
import type { BodySchema, FieldCheck } from "../../protocol/schema.ts";

/**
 * Why `body` breaks `schema`, or undefined when it fits. Error replies are not checked here:
 * the client handles `type: "error"` first, as Maelstrom does.
 */
export function schemaViolation(body: Record<string, unknown>, schema: BodySchema): string | undefined {
  if (body.type !== schema.type)
    return `expected type ${JSON.stringify(schema.type)}, got ${JSON.stringify(body.type)}`;
  for (const [key, check] of Object.entries(schema.required)) {
    if (!Object.hasOwn(body, key)) return `missing required key ${JSON.stringify(key)}`;
    if (!check(body[key])) return badValue(key, check, body[key]);
  }
  for (const [key, value] of Object.entries(body)) {
    if (key === "type" || Object.hasOwn(schema.required, key)) continue;
    const check = schema.optional && Object.hasOwn(schema.optional, key) ? schema.optional[key]! : undefined;
    if (check && !check(value)) return badValue(key, check, value);
    if (!check && !schema.open) return `disallowed key ${JSON.stringify(key)}`;
  }
  return undefined;
}

function badValue(key: string, check: FieldCheck, value: unknown): string {
  return `bad value for ${JSON.stringify(key)}: ${preview(value)} is not ${check.schemaName}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
