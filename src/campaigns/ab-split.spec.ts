import { randomUUID } from 'node:crypto';
import { PositionReader, streamedSliceBounds } from './ab-split';
import { slicePosition, sliceBounds } from './ab-test';

/** A reader that gives these positions, in a shuffled order each read (as pages of a changing table might). */
const readerOf =
  (reads: number[][]): PositionReader =>
  async (add) => {
    const positions = reads.length > 1 ? reads.shift()! : reads[0];
    const order = [...positions].sort(() => Math.random() - 0.5);
    for (const p of order) add(p);
    await Promise.resolve();
  };

describe('A/B split without holding the audience', () => {
  const seed = randomUUID();
  const audience = (n: number) => Array.from({ length: n }, () => slicePosition(seed, randomUUID()));
  const large = audience(30_000);

  it.each([
    [1, 2],
    [10, 3],
    [25, 4],
    [50, 2],
    [33, 4],
  ])('gives the same bounds as sorting every position (%i %%, %i variants), holding a few', async (share, variants) => {
    const split = await streamedSliceBounds(readerOf([large]), share, variants, 1000);
    expect(split.bounds).toEqual(sliceBounds(large, share, variants));
    expect(split).toMatchObject({ audience: large.length, reads: 2 });
    // 30,000 over 65,536 buckets: a handful of positions per bound, and the 1,000 kept before the first read gave up
    expect(split.heldPositions).toBeLessThanOrEqual(1000);
  });

  it('holds no more than what it keeps before giving up on keeping all, for an audience beyond that', async () => {
    const many = audience(200_000);
    const split = await streamedSliceBounds(readerOf([many]), 20, 4);
    expect(split.bounds).toEqual(sliceBounds(many, 20, 4));
    expect(split.reads).toBe(2);
    expect(split.heldPositions).toBe(65_536);
  });

  it('keeps every position of a small audience and reads it once', async () => {
    const small = audience(500);
    const split = await streamedSliceBounds(readerOf([small]), 50, 2, 1000);
    expect(split).toEqual({ bounds: sliceBounds(small, 50, 2), audience: 500, reads: 1, heldPositions: 500 });
    expect(await streamedSliceBounds(readerOf([[]]), 50, 3)).toMatchObject({
      bounds: sliceBounds([], 50, 3),
      reads: 1,
    });
  });

  it('splits what the last read saw when the audience changed between reads', async () => {
    // the first read counts 30,000; by the second, 5,000 have left and 2,000 joined: the bounds move buckets
    const changed = [...large.slice(5000), ...audience(2000)];
    const split = await streamedSliceBounds(readerOf([large, changed, changed]), 50, 2, 1000);
    expect(split.bounds).toEqual(sliceBounds(changed, 50, 2));
    expect(split.audience).toBe(changed.length);
    expect(split.reads).toBeGreaterThanOrEqual(2);
  });

  it('gives every reader exactly one place: in one variant range, or in none (the rest)', async () => {
    const split = await streamedSliceBounds(readerOf([large]), 30, 3, 1000);
    const inTest = Math.round((large.length * 30) / 100);
    const sizes = split.bounds.map(([from, to]) => large.filter((p) => p >= from && p < to).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(inTest);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let i = 1; i < split.bounds.length; i++) expect(split.bounds[i][0]).toBe(split.bounds[i - 1][1]);
  });
});
