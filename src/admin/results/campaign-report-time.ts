import { TimeUnit } from '../charts/time-axis';
import { localInput, zonedText } from '../../common/zoned-time';

/** The report's times as the editor reads them: in their zone (profile), the zone named. */
export interface ReportTimes {
  zone: string;
  scheduledFor: string | null;
  started: string | null;
  finished: string | null;
}

type Dated = { sendAt: Date | string | null; startedAt: Date | string | null; finishedAt: Date | string | null };

const textOf = (at: Date | string | null, zone: string) => (at ? zonedText(new Date(at), zone) : null);

export function reportTimes(campaign: Dated, zone: string): ReportTimes {
  return {
    zone,
    scheduledFor: textOf(campaign.sendAt, zone),
    started: textOf(campaign.startedAt, zone),
    finished: textOf(campaign.finishedAt, zone),
  };
}

/**
 * The label of the chart's bucket starting at `at`, on the wall clock of `zone`: "14:05" for minutes, "14:00" for
 * hours, "03-12" for days; the first bar and the first of each (local) day also carry the date ("03-12 14:05").
 */
export function zonedTickLabel(at: Date, unit: TimeUnit, first: boolean, zone: string): string {
  const local = localInput(at, zone);
  const date = local.slice(5, 10);
  if (unit === 'day') return date;
  const clock = local.slice(11, 16);
  const time = unit === 'minute' ? clock : `${clock.slice(0, 2)}:00`;
  return first || clock === '00:00' ? `${date} ${time}` : time;
}
