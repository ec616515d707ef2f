/**
 * The few SQL expressions the campaign stats need that PostgreSQL and SQLite spell differently (used by
 * MessageEventRepository, which picks one). `e` is message_events, `c` is campaigns. Event details are JSON
 * (jsonb / JSON text).
 */
export interface StatsSql {
  /** 1 when an open was a machine's or a click a scanner's, else 0 */
  machineFlag: string;
  /** the clicked URL of a click event */
  clickedUrl: string;
  /** whole seconds from the campaign's start to the event */
  secondsAfterStart: string;
  /** the number of the `bucketSeconds`-long bucket, from the campaign's start, the event falls in */
  bucketAfterStart(bucketSeconds: number): string;
}

export const POSTGRES_STATS_SQL: StatsSql = {
  machineFlag: "CASE WHEN e.detail->>'machine' = 'true' OR e.detail->>'scanner' = 'true' THEN 1 ELSE 0 END",
  clickedUrl: "e.detail->>'url'",
  secondsAfterStart: 'FLOOR(EXTRACT(EPOCH FROM (e.at - c.started_at)))',
  bucketAfterStart: (bucketSeconds) =>
    `FLOOR(EXTRACT(EPOCH FROM (e.at - c.started_at)) / ${wholeSeconds(bucketSeconds)})`,
};

const SQLITE_SECONDS = "(CAST(strftime('%s', e.at) AS INTEGER) - CAST(strftime('%s', c.started_at) AS INTEGER))";

export const SQLITE_STATS_SQL: StatsSql = {
  // JSON true reads as the integer 1.
  machineFlag:
    "CASE WHEN json_extract(e.detail, '$.machine') = 1 OR json_extract(e.detail, '$.scanner') = 1 THEN 1 ELSE 0 END",
  clickedUrl: "json_extract(e.detail, '$.url')",
  secondsAfterStart: SQLITE_SECONDS,
  // Whole seconds on both sides, so the division is exact integer arithmetic (events before the start are filtered out).
  bucketAfterStart: (bucketSeconds) => `${SQLITE_SECONDS} / ${wholeSeconds(bucketSeconds)}`,
};

/** The bucket size is written into the SQL (it is grouped by): a positive whole number, checked. */
function wholeSeconds(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a bucket size: ${n}`);
  return n;
}
