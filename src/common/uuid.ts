const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its canonical 8-4-4-4-12 hex form (any version): ids, and ids read back out of tokens. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
