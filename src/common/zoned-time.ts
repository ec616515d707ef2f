/**
 * Wall-clock times in a named time zone (IANA, as Intl knows them), both ways, with Intl only. An editor schedules
 * "3 Dec 2026, 09:00" in their zone; the service keeps UTC.
 */

/** Whether Intl knows `name` as a time zone (Europe/Berlin, UTC…). */
export function isTimeZone(name: string): boolean {
  return canonicalTimeZone(name) !== null;
}

/** The zone as Intl spells it (`europe/berlin` → `Europe/Berlin`), or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (!name || name.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Every zone an editor may choose: Intl's canonical list, with UTC first. */
export function timeZoneNames(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/** One formatter per style and zone, made once: making an Intl.DateTimeFormat costs far more than using it. */
function cachedFormat(
  cache: Map<string, Intl.DateTimeFormat>,
  locale: string,
  options: Intl.DateTimeFormatOptions,
  zone: string,
): Intl.DateTimeFormat {
  let f = cache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    cache.set(zone, f);
  }
  return f;
}

const PARTS_OPTIONS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
};
const parts = new Map<string, Intl.DateTimeFormat>();
const partsFormat = (zone: string) => cachedFormat(parts, 'en-US', PARTS_OPTIONS, zone);

/** The wall clock in `zone` at `at`, as `YYYY-MM-DDTHH:mm` (what a datetime-local input holds). */
export function localInput(at: Date, zone: string): string {
  const p = Object.fromEntries(
    partsFormat(zone)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** How far `zone`'s wall clock is ahead of UTC at `at`, in ms. */
function offsetAt(at: number, zone: string): number {
  const wall = localInput(new Date(at), zone);
  const seconds = new Date(at).getUTCSeconds() * 1000 + new Date(at).getUTCMilliseconds();
  return Date.parse(`${wall}:00Z`) + seconds - at;
}

export type ZonedResult = { ok: true; at: Date; ambiguous: boolean } | { ok: false; reason: 'invalid' | 'nonexistent' };

/**
 * `YYYY-MM-DDTHH:mm` on the wall clock of `zone` → the instant. A time the clocks skip (spring forward: 02:30 in
 * Berlin on the last Sunday of March) does not exist and is refused; a time they pass twice (autumn: 02:30 on the
 * last Sunday of October) is ambiguous and the first of the two (summer time, the earlier instant) is taken.
 */
export function zonedToUtc(local: string, zone: string): ZonedResult {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m || !isTimeZone(zone)) return { ok: false, reason: 'invalid' };
  const asUtc = Date.parse(`${local}:00Z`);
  if (Number.isNaN(asUtc) || new Date(asUtc).toISOString().slice(0, 16) !== local)
    return { ok: false, reason: 'invalid' };
  // The offsets a day either side cover any one transition; each gives a candidate, kept if it reads back right.
  const offsets = new Set([offsetAt(asUtc - 86_400_000, zone), offsetAt(asUtc + 86_400_000, zone)]);
  const candidates = [...offsets]
    .map((offset) => asUtc - offset)
    .filter((at) => localInput(new Date(at), zone) === local)
    .sort((a, b) => a - b);
  if (!candidates.length) return { ok: false, reason: 'nonexistent' };
  return { ok: true, at: new Date(candidates[0]), ambiguous: candidates.length > 1 };
}

const DISPLAY_OPTIONS: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};
const display = new Map<string, Intl.DateTimeFormat>();

/** `3 Dec 2026, 09:00 Europe/Berlin`: a time as an editor reads it, the zone named. */
export function zonedText(at: Date, zone: string): string {
  return `${cachedFormat(display, 'en-GB', DISPLAY_OPTIONS, zone).format(at)} ${zone}`;
}
