/** Small text helpers shared by the SVG and HTML writers. */

/** Escapes text for use inside XML/HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char]!);
}

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Cuts a string to at most `maxChars` characters, ending in "…" when cut (Maelstrom's truncate-string). */
export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : text.slice(0, maxChars - 1) + "…";
}

/** A coordinate rounded to 0.1 px, which keeps big SVGs small without visible change. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * Sorts participant ids as Maelstrom's util/sort-clients does: letter prefix, then number
 * ("c2" before "c10"); ids without a number (services such as "lin-kv") go last, by name.
 */
export function sortParticipants(ids: Iterable<string>): string[] {
  const key = (id: string): [number, string, number] => {
    const match = /^([A-Za-z_]+?)(\d+)$/.exec(id);
    return match ? [0, match[1]!, Number(match[2])] : [1, id, 0];
  };
  return [...ids].sort((a, b) => {
    const [groupA, nameA, numberA] = key(a);
    const [groupB, nameB, numberB] = key(b);
    if (groupA !== groupB) return groupA - groupB;
    if (nameA !== nameB) return nameA < nameB ? -1 : 1;
    return numberA - numberB;
  });
}
