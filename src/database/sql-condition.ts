/**
 * A WHERE condition written by one feature for another's query builder: SQL text with TypeORM named parameters
 * (`:name`, `:...name` for arrays) and their values. User values only ever travel in `params`.
 * A segment's condition reads the subscriber as alias `s`.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}
