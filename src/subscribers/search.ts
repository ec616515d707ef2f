/** Escapes LIKE's wildcards (and the escape character itself) so a search matches the text typed; use with ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The LIKE pattern for "contains `text`, case-insensitively", to compare with a lower-cased column. */
export function containsPattern(text: string): string {
  return `%${escapeLike(text.trim().toLowerCase())}%`;
}
