import { randomUUID } from 'node:crypto';
import { pickWinner, POSITION_END, slicePosition, sliceBounds } from './ab-test';

describe('A/B test split and winner', () => {
  const ids = Array.from({ length: 1003 }, () => randomUUID());
  const seed = randomUUID();
  const positions = ids.map((id) => slicePosition(seed, id));
  const countIn = ([from, to]: [number, number]) => positions.filter((p) => p >= from && p < to).length;

  it.each([
    [1, 2],
    [10, 3],
    [25, 4],
    [50, 2],
    [33, 4],
  ])('puts round(%i %% of the audience) in the test, split over %i variants within one', (share, variants) => {
    const bounds = sliceBounds(positions, share, variants);
    const sizes = bounds.map(countIn);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(Math.round((ids.length * share) / 100));
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // ranges follow each other without overlap
    for (let i = 1; i < bounds.length; i++) expect(bounds[i][0]).toBe(bounds[i - 1][1]);
  });

  it('gives each reader a place that depends on the campaign, so the same people are not always tested', () => {
    const other = randomUUID();
    expect(slicePosition(seed, ids[0])).toBe(slicePosition(seed, ids[0]));
    expect(ids.filter((id) => slicePosition(seed, id) === slicePosition(other, id))).toEqual([]);
    for (const p of positions) expect(p).toBeLessThan(POSITION_END);
  });

  it('handles an audience too small for every variant, and an empty one', () => {
    const few = positions.slice(0, 3);
    const sizes = sliceBounds(few, 50, 4).map(([from, to]) => few.filter((p) => p >= from && p < to).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2);
    expect(sizes.filter((n) => n === 0)).toHaveLength(2);
    expect(sliceBounds([], 50, 2)).toEqual([
      [POSITION_END, POSITION_END],
      [POSITION_END, POSITION_END],
    ]);
  });

  it('chooses the best rate per mail sent, the first variant on a tie', () => {
    const r = (sent: number, opens: number, clicks: number) => ({ sent, opens, clicks });
    expect(pickWinner([r(10, 3, 0), r(9, 3, 1)], 'opens')).toBe(1);
    expect(pickWinner([r(10, 3, 2), r(10, 3, 1)], 'opens')).toBe(0);
    expect(pickWinner([r(10, 3, 2), r(10, 5, 1)], 'clicks')).toBe(0);
    expect(pickWinner([r(0, 0, 0), r(0, 0, 0), r(5, 0, 0)], 'clicks')).toBe(0);
  });
});
