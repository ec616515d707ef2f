/**
 * The time axis of a chart of events since a start (a campaign's send): it spans the data, not a fixed
 * window. The bucket is the smallest round size that keeps the bars at most MAX_BUCKETS, and its unit
 * (minutes, hours, days) decides how the ticks read. Ten minutes of data are ten one-minute bars; two days,
 * 48 hourly ones; a month, daily ones.
 */

/** Fewer than this would make a chart of one or two fat bars: the span shown is at least ten minutes. */
export const MIN_SPAN_SECONDS = 10 * 60;
export const MAX_BUCKETS = 48;

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const SIZES = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

export type TimeUnit = 'minute' | 'hour' | 'day';

export interface TimeAxis {
  bucketSeconds: number;
  /** how many buckets, from the start, cover the span */
  count: number;
  unit: TimeUnit;
  /** "minute", "5 minutes", "hour", "6 hours", "day": what one bar counts */
  per: string;
}

/** The axis for data reaching `spanSeconds` after the start (the last event's time). */
export function timeAxisFor(spanSeconds: number): TimeAxis {
  // The last event's own second is inside the span: +1.
  const span = Math.max(MIN_SPAN_SECONDS, Math.ceil(spanSeconds) + 1);
  const bucketSeconds =
    SIZES.find((s) => Math.ceil(span / s) <= MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS / DAY) * DAY;
  const unit: TimeUnit = bucketSeconds < HOUR ? 'minute' : bucketSeconds < DAY ? 'hour' : 'day';
  const size = unit === 'minute' ? MINUTE : unit === 'hour' ? HOUR : DAY;
  const n = bucketSeconds / size;
  return { bucketSeconds, count: Math.ceil(span / bucketSeconds), unit, per: n === 1 ? unit : `${n} ${unit}s` };
}

/**
 * The label of the bucket starting at `at` (UTC): "14:05" for minutes, "14:00" for hours, "03-12" for days;
 * the first bar and the first of each day also carry the date ("03-12 14:05").
 */
export function tickLabel(at: Date, unit: TimeUnit, first: boolean): string {
  const iso = at.toISOString();
  const date = iso.slice(5, 10);
  if (unit === 'day') return date;
  const time = unit === 'minute' ? iso.slice(11, 16) : `${iso.slice(11, 13)}:00`;
  return first || iso.slice(11, 16) === '00:00' ? `${date} ${time}` : time;
}
