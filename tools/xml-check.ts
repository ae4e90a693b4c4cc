/**
 * A strict-enough well-formedness check for the XML and HTML the report writes, used by its
 * tests (Bun has no DOMParser; the browser test covers real parsing): every tag closes in
 * order, attributes are quoted, and `&` only starts an entity.
 */

/** HTML elements that never have a closing tag. */
const VOID_ELEMENTS = new Set(["meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"]);

/** Returns the problems found (empty when well-formed). `html` allows void elements and a doctype. */
export function wellFormednessProblems(text: string, mode: "xml" | "html"): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  // Script and style bodies are raw text in HTML: skip over them.
  const body = text.replace(/<(script|style)>[\s\S]*?<\/\1>/g, "<$1></$1>");
  const tag =
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*"|='[^']*')?)*)\s*(\/?)>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->|<[^>]*>?/g;
  for (const match of body.matchAll(tag)) {
    const [whole, closing, rawName, , selfClosing] = match;
    if (whole.startsWith("<!")) continue;
    if (rawName === undefined) {
      problems.push(`malformed tag at ${match.index}: ${whole.slice(0, 60)}`);
      continue;
    }
    const name = mode === "html" ? rawName.toLowerCase() : rawName;
    if (selfClosing || (mode === "html" && VOID_ELEMENTS.has(name))) continue;
    if (!closing) {
      open.push(name);
      continue;
    }
    const expected = open.pop();
    if (expected !== name) problems.push(`</${name}> at ${match.index} closes <${expected ?? "nothing"}>`);
  }
  if (open.length) problems.push(`unclosed: ${open.join(" > ")}`);
  const textOnly = body.replace(tag, "");
  for (const ampersand of textOnly.matchAll(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g)) {
    problems.push(`bare & at ${ampersand.index}`);
  }
  return problems;
}
