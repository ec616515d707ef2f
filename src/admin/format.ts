/** How the admin pages write numbers: the view helpers and the values the pages refresh live use the same. */

/** A count with thousands separators: 12,345. */
export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** `part` of `whole` as a percentage with one decimal (12.5%), or – when there is no whole. */
export function percentText(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
}

/**
 * A count with its noun in the right number: "1 recipient", "47 recipients", "1 person", "3 people".
 * `many` defaults to `one` + "s"; pass it for irregular plurals.
 */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${countText(n)} ${n === 1 ? one : many}`;
}
