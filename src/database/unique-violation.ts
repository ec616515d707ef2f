/** PostgreSQL 23505 or SQLite's UNIQUE constraint error: what an INSERT that lost a race throws. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string }; message?: string };
  return (
    err?.code === '23505' || err?.driverError?.code === '23505' || /UNIQUE constraint failed/.test(err?.message ?? '')
  );
}
