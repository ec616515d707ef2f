import type { SegmentDialect } from './segment-sql';

/** Text of a JSON scalar; numbers as PostgreSQL prints them. */
const pgText = (k: string) =>
  `(CASE WHEN jsonb_typeof(s.attributes -> ${k}) IN ('string', 'number', 'boolean') THEN s.attributes ->> ${k} END)`;

export const POSTGRES_SEGMENT_SQL: SegmentDialect = {
  attributeKey: (key) => key,
  attributeText: pgText,
  attributeNumber: (k) =>
    `(CASE WHEN jsonb_typeof(s.attributes -> ${k}) = 'number' THEN CAST(s.attributes ->> ${k} AS numeric)` +
    ` WHEN jsonb_typeof(s.attributes -> ${k}) = 'string' AND BTRIM(s.attributes ->> ${k}) ~ '^-?[0-9]+([.][0-9]+)?$'` +
    ` THEN CAST(BTRIM(s.attributes ->> ${k}) AS numeric) END)`,
  startsWithDate: (x) => `${x} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'`,
  // The same expressions as the partial indexes of human clicks (and subscriber_last_opens' trigger), so they are used.
  humanOpen: `(e.detail ->> 'machine') IS DISTINCT FROM 'true'`,
  humanClick: `(e.detail ->> 'scanner') IS DISTINCT FROM 'true'`,
  anyItem: (cmp) => `EXISTS (SELECT 1 FROM jsonb_array_elements_text(o.items) i(name) WHERE LOWER(i.name) ${cmp})`,
  time: (d) => d,
};

/** `k` holds a JSON path `$."key"` (keys are letters, digits, _ and -). */
const sqliteText = (k: string) =>
  `(CASE json_type(s.attributes, ${k}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'` +
  ` WHEN 'text' THEN json_extract(s.attributes, ${k}) WHEN 'integer' THEN CAST(json_extract(s.attributes, ${k}) AS TEXT)` +
  ` WHEN 'real' THEN CAST(json_extract(s.attributes, ${k}) AS TEXT) END)`;

export const SQLITE_SEGMENT_SQL: SegmentDialect = {
  attributeKey: (key) => `$."${key}"`,
  attributeText: sqliteText,
  attributeNumber: (k) =>
    `(CASE WHEN json_type(s.attributes, ${k}) IN ('integer', 'real') THEN json_extract(s.attributes, ${k})` +
    ` WHEN json_type(s.attributes, ${k}) = 'text' AND LTRIM(TRIM(json_extract(s.attributes, ${k})), '-') GLOB '[0-9]*'` +
    ` AND LTRIM(TRIM(json_extract(s.attributes, ${k})), '-') NOT GLOB '*[^0-9.]*'` +
    ` THEN CAST(TRIM(json_extract(s.attributes, ${k})) AS REAL) END)`,
  startsWithDate: (x) => `${x} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'`,
  // JSON true reads as the integer 1; the same expressions as the partial indexes on human opens and clicks.
  humanOpen: `COALESCE(json_extract(e.detail, '$.machine'), 0) <> 1`,
  humanClick: `COALESCE(json_extract(e.detail, '$.scanner'), 0) <> 1`,
  anyItem: (cmp) => `EXISTS (SELECT 1 FROM json_each(o.items) i WHERE LOWER(i.value) ${cmp})`,
  // How TypeORM writes times on SQLite (UTC, milliseconds), so text comparison is time order.
  time: (d) => d.toISOString().replace('T', ' ').replace('Z', ''),
};
