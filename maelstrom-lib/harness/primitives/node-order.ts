/** The one order of node ids everywhere they are listed: by their number, so n2 comes before n10. */
export function byNodeNumber(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true });
}
