import { isUUID } from 'class-validator';
import { uuid7 } from './uuid7';

describe('uuid7', () => {
  it('makes valid version-7 UUIDs', () => {
    const id = uuid7();
    expect(isUUID(id, 7)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
  });

  it('sorts in the order it made them, even many within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuid7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts with the current time in milliseconds', () => {
    const before = Date.now();
    const ms = parseInt(uuid7().replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThan(before + 60_000);
  });
});
