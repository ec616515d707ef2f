import { hash } from 'node:crypto';

/** Words per slot: three of fingerprint, then the row (0 marks an empty slot; data rows start at 2). */
const SLOT = 4;

/**
 * The email keys met so far in one file, each with the row that brought it. A Map<string, number> of a
 * million addresses costs about 130 MB of the process's memory; this keeps a 96-bit MD5 fingerprint per
 * key in an open-addressing table of typed arrays instead, 16 bytes a slot (about 32 MB for a million).
 * Two different addresses share a fingerprint with a probability near 10^-17 in a million-row file.
 */
export class SeenAddresses {
  private slots = new Uint32Array(SLOT * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The row that first brought this key; otherwise records `row` for it and answers undefined. */
  remember(key: string, row: number): number | undefined {
    if (row < 1) throw new RangeError('rows count from 1');
    const digest = hash('md5', key, 'buffer');
    const a = digest.readUInt32LE(0);
    const b = digest.readUInt32LE(4);
    const c = digest.readUInt32LE(8);
    const mask = this.slots.length / SLOT - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const at = i * SLOT;
      const seenRow = this.slots[at + 3];
      if (seenRow === 0) break;
      if (this.slots[at] === a && this.slots[at + 1] === b && this.slots[at + 2] === c) return seenRow;
    }
    if ((this.count + 1) * 4 > (mask + 1) * 3) this.grow();
    this.place(a, b, c, row);
    this.count++;
    return undefined;
  }

  private place(a: number, b: number, c: number, row: number): void {
    const mask = this.slots.length / SLOT - 1;
    let i = a & mask;
    while (this.slots[i * SLOT + 3] !== 0) i = (i + 1) & mask;
    this.slots.set([a, b, c, row], i * SLOT);
  }

  /** Twice the slots, once three quarters are used. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 3] !== 0) this.place(old[at], old[at + 1], old[at + 2], old[at + 3]);
    }
  }
}
