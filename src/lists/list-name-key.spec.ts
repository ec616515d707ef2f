import { freeListName, listNameKey } from './list-name-key';

describe('listNameKey', () => {
  it('ignores surrounding blanks, letter case and Unicode spelling', () => {
    expect(listNameKey('  Weekly News ')).toBe(listNameKey('weekly news'));
    // "é" precomposed and as e + combining acute accent
    expect(listNameKey('Caf\u00e9')).toBe(listNameKey('CAFE\u0301'));
    expect(listNameKey('Weekly News')).not.toBe(listNameKey('Weekly  News'));
  });
});

describe('freeListName', () => {
  it('numbers a duplicate from 2, skipping the numbers already taken', () => {
    const taken = new Set(['news', 'news (2)'].map(listNameKey));
    expect(freeListName('News', taken)).toBe('News (3)');
    expect(freeListName('Other', taken)).toBe('Other (2)');
  });

  it('cuts a long name so the numbered one still fits the column', () => {
    const long = 'x'.repeat(200);
    const free = freeListName(long, new Set([listNameKey(long)]));
    expect(free).toHaveLength(200);
    expect(free.endsWith(' (2)')).toBe(true);
  });
});
