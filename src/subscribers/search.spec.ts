import { containsPattern, escapeLike } from './search';

describe('escapeLike', () => {
  it('escapes %, _ and the escape character itself', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
  });

  it('leaves other text as it is', () => {
    expect(escapeLike("ada.o'brien@example.com")).toBe("ada.o'brien@example.com");
  });
});

describe('containsPattern', () => {
  it('trims, lower-cases and wraps the escaped text in %', () => {
    expect(containsPattern('  Ada_L ')).toBe('%ada\\_l%');
  });
});
