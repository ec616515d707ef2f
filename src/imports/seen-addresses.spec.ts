import { SeenAddresses } from './seen-addresses';

describe('SeenAddresses', () => {
  it('answers the first row of a key met again, and nothing for a new key', () => {
    const seen = new SeenAddresses();
    expect(seen.remember('ada@example.com', 2)).toBeUndefined();
    expect(seen.remember('grace@example.com', 3)).toBeUndefined();
    expect(seen.remember('ada@example.com', 7)).toBe(2);
    expect(seen.remember('ada@example.com', 9)).toBe(2);
    expect(seen.remember('grace@example.com', 10)).toBe(3);
    expect(seen.size).toBe(2);
  });

  it('keeps every key exactly through many growths', () => {
    const seen = new SeenAddresses();
    const n = 200_000;
    const misses: number[] = [];
    for (let i = 0; i < n; i++) if (seen.remember(`user${i}@example.com`, i + 2) !== undefined) misses.push(i);
    expect(misses).toEqual([]);
    expect(seen.size).toBe(n);
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (seen.remember(`user${i}@example.com`, n + 10) !== i + 2) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(seen.size).toBe(n);
    expect(seen.remember('someone-else@example.com', n + 11)).toBeUndefined();
  });

  it('tells keys apart that differ in one character only', () => {
    const seen = new SeenAddresses();
    seen.remember('a@example.com', 2);
    expect(seen.remember('b@example.com', 3)).toBeUndefined();
    expect(seen.remember('a@example.co', 4)).toBeUndefined();
  });
});
