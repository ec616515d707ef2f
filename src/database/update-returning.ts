import { EntityManager, ObjectLiteral, UpdateQueryBuilder } from 'typeorm';

/**
 * Runs an UPDATE and answers the ids of the rows it changed, on both databases (PostgreSQL and SQLite
 * ≥ 3.35 both know RETURNING; TypeORM only offers it for the former). What makes a compare-and-set over
 * many rows possible in one statement: each row changed is known, and only those.
 */
export async function updateReturningIds<T extends ObjectLiteral>(
  m: EntityManager,
  qb: UpdateQueryBuilder<T>,
): Promise<string[]> {
  const [sql, params] = qb.getQueryAndParameters();
  return rawUpdateReturningIds(m, `${sql} RETURNING "id"`, params);
}

/** The same for an UPDATE written by hand, ending in `RETURNING id`. */
export async function rawUpdateReturningIds(m: EntityManager, sql: string, params: unknown[]): Promise<string[]> {
  const raw: unknown = await m.query(sql, params);
  // PostgreSQL's runner answers [rows, affected] for an UPDATE; SQLite's answers the rows.
  const rows = (m.connection.options.type === 'postgres' ? (raw as [unknown[]])[0] : raw) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}
