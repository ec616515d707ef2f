import { POSITION_END, sliceBounds } from './ab-test';

/**
 * An A/B test's split (sliceBounds) without holding the audience: the bounds are a few order statistics of the
 * readers' positions, so they are found from a histogram of positions and the positions of the few histogram
 * buckets where the bounds fall.
 *
 * - Up to `keepAll` readers, every position is kept and sliceBounds does it: one read of the audience.
 * - Beyond that, a first read counts positions per bucket (a fixed 256 KB); a second read counts again and keeps
 *   only the positions of the buckets where the first one put the bounds (about audience / 65,536 each). The
 *   bounds are taken from the second read alone, so they are exactly sliceBounds of what it read. If the audience
 *   changed between the reads so that a bound moved into a bucket that was not kept, one more read does it with
 *   the second read's counts (up to MAX_READS, then it throws, and the test is started again later).
 */

/** Positions counted per bucket: the top 16 of a position's 48 bits. */
const BUCKET_BITS = 16;
const BUCKETS = 2 ** BUCKET_BITS;
const BUCKET_SIZE = POSITION_END / BUCKETS;
/** Readers whose positions are simply kept (8 bytes each, 512 KB). */
export const KEEP_ALL = 65_536;
const MAX_READS = 5;

/** Reads the whole audience once, giving each reader's position to `add`. */
export type PositionReader = (add: (position: number) => void) => Promise<void>;

export interface StreamedSplit {
  /** one [from, to) per variant, as sliceBounds */
  bounds: Array<[number, number]>;
  /** readers in the audience (of the last read) */
  audience: number;
  /** how many times the audience was read */
  reads: number;
  /** the most positions held at once (beside the histogram) */
  heldPositions: number;
}

/** The ranks, in the sorted positions, whose positions bound the variants (sliceBounds's `at` for j = 1..variants). */
function boundRanks(audience: number, share: number, variants: number): number[] {
  const inTest = Math.round((audience * share) / 100);
  return Array.from({ length: variants }, (_, v) => Math.floor(((v + 1) * inTest) / variants));
}

/** The bucket holding the position of `rank`, from cumulative counts. */
function bucketOfRank(counts: Uint32Array, rank: number): { bucket: number; before: number } | null {
  let before = 0;
  for (let b = 0; b < BUCKETS; b++) {
    if (rank < before + counts[b]) return { bucket: b, before };
    before += counts[b];
  }
  return null;
}

/** One read of the audience: counts per bucket, and the positions of `wanted` buckets (or all, while few). */
class SplitRead {
  readonly counts = new Uint32Array(BUCKETS);
  audience = 0;
  held = 0;
  private all: number[] | null = [];
  private readonly kept = new Map<number, number[]>();

  constructor(
    wanted: Set<number>,
    private readonly keepAll: number,
  ) {
    for (const b of wanted) this.kept.set(b, []);
  }

  add(position: number): void {
    const bucket = Math.floor(position / BUCKET_SIZE);
    this.counts[bucket]++;
    this.audience++;
    const kept = this.kept.get(bucket);
    if (kept) {
      kept.push(position);
      this.held++;
    }
    if (this.all) {
      if (this.all.length < this.keepAll) this.all.push(position);
      else this.all = null; // too many to keep: the histogram's way
    }
  }

  /** The bounds, or null when one falls in a bucket whose positions were not kept. */
  bounds(share: number, variants: number): Array<[number, number]> | null {
    if (this.all) return sliceBounds(this.all, share, variants);
    const inTest = Math.round((this.audience * share) / 100);
    if (!inTest) return sliceBounds([], share, variants);
    const ends: number[] = [0];
    for (const rank of boundRanks(this.audience, share, variants)) {
      if (rank >= this.audience) {
        ends.push(POSITION_END);
        continue;
      }
      const at = bucketOfRank(this.counts, rank)!;
      const kept = this.kept.get(at.bucket);
      if (!kept) return null;
      kept.sort((a, b) => a - b);
      ends.push(kept[rank - at.before]);
    }
    return Array.from({ length: variants }, (_, v) => [ends[v], ends[v + 1]] as [number, number]);
  }

  /** The buckets the bounds fall in by this read's counts. */
  boundBuckets(share: number, variants: number): Set<number> {
    const wanted = new Set<number>();
    for (const rank of boundRanks(this.audience, share, variants)) {
      const at = rank < this.audience ? bucketOfRank(this.counts, rank) : null;
      if (at) wanted.add(at.bucket);
    }
    return wanted;
  }
}

/** sliceBounds of the positions `read` gives, holding a histogram and a few positions instead of all of them. */
export async function streamedSliceBounds(
  read: PositionReader,
  share: number,
  variants: number,
  keepAll = KEEP_ALL,
): Promise<StreamedSplit> {
  let wanted = new Set<number>();
  let heldPositions = 0;
  for (let reads = 1; reads <= MAX_READS; reads++) {
    const pass = new SplitRead(wanted, keepAll);
    await read((position) => pass.add(position));
    heldPositions = Math.max(heldPositions, pass.held, Math.min(pass.audience, keepAll));
    const bounds = pass.bounds(share, variants);
    if (bounds) return { bounds, audience: pass.audience, reads, heldPositions };
    wanted = pass.boundBuckets(share, variants);
  }
  throw new Error(`the audience kept changing over ${MAX_READS} reads: the A/B split is tried again later`);
}
