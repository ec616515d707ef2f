import { protect } from './small-groups';

describe('protect (audience report)', () => {
  it('shows groups of 5 or more with their count, largest first, and the exact total when nothing is hidden', () => {
    expect(
      protect([
        { value: 'DE', count: 5 },
        { value: 'FR', count: 12 },
      ]),
    ).toEqual({
      groups: [
        { value: 'FR', count: 12 },
        { value: 'DE', count: 5 },
      ],
      total: 17,
      shownTotal: 17,
      hiddenGroups: 0,
    });
  });

  it('shows groups under 5 as "<5" and withholds the total, which would give a lone small group away', () => {
    const report = protect([
      { value: 'DE', count: 40 },
      { value: 'IS', count: 1 },
    ]);
    expect(report.groups).toEqual([
      { value: 'DE', count: 40 },
      { value: 'IS', count: '<5' },
    ]);
    expect(report.total).toBeNull();
    expect(report.shownTotal).toBe(40);
    expect(JSON.stringify(report)).not.toContain('41');
  });

  it('orders hidden groups by value, not by size', () => {
    const report = protect([
      { value: 'b', count: 4 },
      { value: 'a', count: 1 },
      { value: null, count: 3 },
    ]);
    expect(report.groups.map((g) => g.value)).toEqual(['a', 'b', null]);
    expect(report.groups.every((g) => g.count === '<5')).toBe(true);
  });
});
