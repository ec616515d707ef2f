import { canonicalTimeZone, isTimeZone, localInput, timeZoneNames, zonedText, zonedToUtc } from './zoned-time';

describe('zoned time', () => {
  it('knows IANA zones and nothing else', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    for (const bad of ['Mars/Olympus', '', 'Europe/Berlin\n', 'x'.repeat(100)]) expect(isTimeZone(bad)).toBe(false);
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(timeZoneNames()[0]).toBe('UTC');
    expect(timeZoneNames()).toContain('Europe/Berlin');
  });

  it('turns a wall-clock time into UTC in winter and in summer', () => {
    expect(zonedToUtc('2026-12-03T09:00', 'Europe/Berlin')).toEqual({
      ok: true,
      at: new Date('2026-12-03T08:00:00Z'),
      ambiguous: false,
    });
    expect(zonedToUtc('2026-07-01T09:00', 'Europe/Berlin')).toMatchObject({ at: new Date('2026-07-01T07:00:00Z') });
    expect(zonedToUtc('2026-07-01T09:00', 'America/New_York')).toMatchObject({ at: new Date('2026-07-01T13:00:00Z') });
    expect(zonedToUtc('2026-07-01T09:00', 'Asia/Kolkata')).toMatchObject({ at: new Date('2026-07-01T03:30:00Z') });
    expect(zonedToUtc('2026-07-01T09:00', 'UTC')).toMatchObject({ at: new Date('2026-07-01T09:00:00Z') });
  });

  it('refuses a time the clocks skip (Berlin, 29 March 2026, 02:00–02:59) and takes the first of a doubled one', () => {
    expect(zonedToUtc('2026-03-29T02:30', 'Europe/Berlin')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(zonedToUtc('2026-03-29T01:59', 'Europe/Berlin')).toMatchObject({ at: new Date('2026-03-29T00:59:00Z') });
    expect(zonedToUtc('2026-03-29T03:00', 'Europe/Berlin')).toMatchObject({ at: new Date('2026-03-29T01:00:00Z') });
    // 25 October 2026: 02:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC; the first is taken.
    expect(zonedToUtc('2026-10-25T02:30', 'Europe/Berlin')).toEqual({
      ok: true,
      at: new Date('2026-10-25T00:30:00Z'),
      ambiguous: true,
    });
    // New York springs forward on 8 March 2026 at 02:00.
    expect(zonedToUtc('2026-03-08T02:15', 'America/New_York')).toEqual({ ok: false, reason: 'nonexistent' });
  });

  it('refuses what is not a date and time', () => {
    for (const bad of ['2026-02-30T09:00', '2026-12-03 09:00', '2026-12-03T25:00', 'tomorrow'])
      expect(zonedToUtc(bad, 'Europe/Berlin')).toEqual({ ok: false, reason: 'invalid' });
    expect(zonedToUtc('2026-12-03T09:00', 'Mars/Olympus')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('shows an instant on the wall clock of a zone, the zone named', () => {
    expect(zonedText(new Date('2026-12-03T08:00:00Z'), 'Europe/Berlin')).toBe('3 Dec 2026, 09:00 Europe/Berlin');
    expect(zonedText(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('25 Oct 2026, 02:30 Europe/Berlin');
    expect(zonedText(new Date('2026-12-03T08:00:00Z'), 'UTC')).toBe('3 Dec 2026, 08:00 UTC');
    expect(localInput(new Date('2026-12-03T08:00:00Z'), 'Europe/Berlin')).toBe('2026-12-03T09:00');
    expect(localInput(new Date('2026-12-03T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-12-04T08:30');
  });
});
