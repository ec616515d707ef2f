import type { Automation } from './automation.entity';

/** Hours (fractions allowed) as milliseconds. */
export function hoursMs(hours: number): number {
  return Math.round(hours * 3600_000);
}

/** When an enrolment made at `from` gets its first step. */
export function firstDueAt(a: Pick<Automation, 'steps'>, from = Date.now()): Date {
  return new Date(from + hoursMs(a.steps[0]?.delayHours ?? 0));
}
