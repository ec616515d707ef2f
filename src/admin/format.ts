/** How the admin pages write numbers: the view helpers and the values the pages refresh live use the same. */

/** A count with thousands separators: 12,345. */
export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** `part` of `whole` as a percentage with one decimal (12.5%), or – when there is no whole. */
export function percentText(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}
