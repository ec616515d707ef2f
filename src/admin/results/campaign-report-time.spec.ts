import { reportTimes, zonedTickLabel } from './campaign-report-time';

describe('zonedTickLabel', () => {
  const at = new Date('2026-03-12T14:05:00Z');

  it('reads the wall clock of the zone, half- and quarter-hour offsets included', () => {
    expect(zonedTickLabel(at, 'minute', false, 'UTC')).toBe('14:05');
    expect(zonedTickLabel(at, 'minute', false, 'Asia/Kathmandu')).toBe('19:50');
    expect(zonedTickLabel(at, 'minute', true, 'America/New_York')).toBe('03-12 10:05');
    expect(zonedTickLabel(at, 'hour', false, 'Europe/Berlin')).toBe('15:00');
  });

  it('dates the first bar of a local day, and day bars by their local date', () => {
    const lateInUtc = new Date('2026-03-12T23:00:00Z');
    expect(zonedTickLabel(lateInUtc, 'hour', false, 'Europe/Berlin')).toBe('03-13 00:00');
    expect(zonedTickLabel(lateInUtc, 'day', false, 'Asia/Tokyo')).toBe('03-13');
    expect(zonedTickLabel(lateInUtc, 'day', false, 'UTC')).toBe('03-12');
  });
});

describe('reportTimes', () => {
  it('names the zone with each date, and leaves out what has not happened', () => {
    expect(
      reportTimes({ sendAt: null, startedAt: new Date('2026-12-03T08:00:00Z'), finishedAt: null }, 'Europe/Berlin'),
    ).toEqual({
      zone: 'Europe/Berlin',
      scheduledFor: null,
      started: '3 Dec 2026, 09:00 Europe/Berlin',
      finished: null,
    });
  });
});
