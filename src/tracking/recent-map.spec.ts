import { RecentMap } from './recent-map';

describe('RecentMap', () => {
  it('keeps the last `size` to 2 x `size` entries and forgets older ones', () => {
    const map = new RecentMap<number>(3);
    for (let i = 0; i < 7; i++) map.set(`k${i}`, i);
    // generations: [k3 k4 k5] then [k6]
    expect([0, 1, 2].map((i) => map.get(`k${i}`))).toEqual([undefined, undefined, undefined]);
    expect([3, 4, 5, 6].map((i) => map.get(`k${i}`))).toEqual([3, 4, 5, 6]);
  });

  it('keeps an entry in use: a read from the older generation moves it to the current one', () => {
    const map = new RecentMap<string>(2);
    map.set('a', 'A');
    map.set('b', 'B');
    map.set('c', 'C'); // [a b] [c]
    expect(map.get('a')).toBe('A'); // [a b] [c a]
    map.set('d', 'D'); // [c a] [d]
    expect(map.get('a')).toBe('A');
    expect(map.get('b')).toBeUndefined();
  });
});
