import { MAX_BUCKETS, timeAxisFor, tickLabel } from './time-axis';

describe('timeAxisFor', () => {
  it('fits ten minutes of data with one-minute bars, not 48 hours', () => {
    expect(timeAxisFor(9 * 60 + 30)).toEqual({ bucketSeconds: 60, count: 10, unit: 'minute', per: 'minute' });
  });

  it('never shows less than ten minutes', () => {
    expect(timeAxisFor(5)).toMatchObject({ bucketSeconds: 60, count: 10 });
  });

  it('moves to larger round buckets as the data spans longer, at most MAX_BUCKETS bars', () => {
    expect(timeAxisFor(2 * 3600)).toMatchObject({ bucketSeconds: 300, unit: 'minute', per: '5 minutes' });
    expect(timeAxisFor(20 * 3600)).toMatchObject({ bucketSeconds: 1800, unit: 'minute', per: '30 minutes' });
    expect(timeAxisFor(47 * 3600)).toMatchObject({ bucketSeconds: 3600, count: 48, unit: 'hour', per: 'hour' });
    expect(timeAxisFor(10 * 86400)).toMatchObject({ bucketSeconds: 6 * 3600, unit: 'hour', per: '6 hours' });
    expect(timeAxisFor(30 * 86400)).toMatchObject({ bucketSeconds: 86400, count: 31, unit: 'day', per: 'day' });
    for (const span of [59, 3599, 86399, 40 * 86400, 400 * 86400]) {
      const axis = timeAxisFor(span);
      expect(axis.count).toBeLessThanOrEqual(MAX_BUCKETS);
      expect(axis.count * axis.bucketSeconds).toBeGreaterThan(span);
    }
  });
});

describe('tickLabel', () => {
  const at = new Date('2026-03-12T14:05:00Z');
  it('reads in the unit of the bars, with the date on the first one and at midnight', () => {
    expect(tickLabel(at, 'minute', false)).toBe('14:05');
    expect(tickLabel(at, 'minute', true)).toBe('03-12 14:05');
    expect(tickLabel(at, 'hour', false)).toBe('14:00');
    expect(tickLabel(new Date('2026-03-13T00:00:00Z'), 'hour', false)).toBe('03-13 00:00');
    expect(tickLabel(at, 'day', false)).toBe('03-12');
  });
});
