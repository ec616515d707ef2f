/**
 * What makes two list names the same name: blanks around it, letter case and Unicode spelling (NFC) do not
 * count. Stored as `lists.name_key` under a unique index, so "News" and " news " cannot both exist.
 */
export function listNameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/**
 * The first of "Name (2)", "Name (3)", … whose key is not in `taken` (the name cut so the result stays within
 * `maxLength`). Used by the migration that made names unique, for the duplicates an older database held.
 */
export function freeListName(name: string, taken: Set<string>, maxLength = 200): string {
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = name.trim().slice(0, maxLength - suffix.length) + suffix;
    if (!taken.has(listNameKey(candidate))) return candidate;
  }
}
