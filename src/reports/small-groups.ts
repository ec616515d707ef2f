/** Groups smaller than this are shown as "<5": no one can be singled out. */
export const MIN_GROUP = 5;
export const SMALL = `<${MIN_GROUP}` as const;

export interface GroupCount {
  /** the attribute's value as text; null when the subscriber has no such attribute */
  value: string | null;
  count: number;
}

export interface AudienceReport {
  groups: { value: string | null; count: number | typeof SMALL }[];
  /** the exact total only when no group is hidden; otherwise null (it would give the hidden groups away) */
  total: number | null;
  /** the sum of the groups shown with their count */
  shownTotal: number;
  hiddenGroups: number;
}

/**
 * Only aggregates leave: groups under MIN_GROUP are "<5", and since the total minus the shown groups
 * would give a lone hidden group back, the total is withheld whenever a group is hidden. Shown groups
 * come largest first; hidden ones after them in value order, so their order tells nothing either.
 */
export function protect(counts: GroupCount[]): AudienceReport {
  const shown = counts.filter((g) => g.count >= MIN_GROUP).sort((a, b) => b.count - a.count || order(a.value, b.value));
  const hidden = counts.filter((g) => g.count > 0 && g.count < MIN_GROUP).sort((a, b) => order(a.value, b.value));
  const shownTotal = shown.reduce((n, g) => n + g.count, 0);
  return {
    groups: [
      ...shown.map((g) => ({ value: g.value, count: g.count })),
      ...hidden.map((g) => ({ value: g.value, count: SMALL })),
    ],
    total: hidden.length ? null : shownTotal,
    shownTotal,
    hiddenGroups: hidden.length,
  };
}

function order(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
