import { CsvHeaderError, ImportRow, isBlank, layoutOf, parseRow } from './csv-rows';

describe('layoutOf', () => {
  it('finds email and name whatever their case and spacing; every other titled column is an attribute', () => {
    expect(layoutOf([' City', 'E-Mail-Opt', ' EMAIL ', 'Name', 'plan '])).toEqual({
      width: 5,
      email: 2,
      name: 3,
      attributes: [
        { index: 0, key: 'City' },
        { index: 1, key: 'E-Mail-Opt' },
        { index: 4, key: 'plan' },
      ],
    });
  });

  it('works without a name column and ignores columns with an empty title', () => {
    expect(layoutOf(['email', '', 'city', ' '])).toEqual({
      width: 4,
      email: 0,
      name: -1,
      attributes: [{ index: 2, key: 'city' }],
    });
  });

  it('refuses a header without an email column', () => {
    expect(() => layoutOf(['mail', 'name'])).toThrow(CsvHeaderError);
    expect(() => layoutOf(['mail', 'name'])).toThrow(/"email" column/);
  });

  it('refuses ambiguous headers', () => {
    expect(() => layoutOf(['email', 'Email'])).toThrow(/more than one "email"/);
    expect(() => layoutOf(['email', 'name', 'NAME'])).toThrow(/more than one "name"/);
    expect(() => layoutOf(['email', 'city', ' city'])).toThrow(/"city" twice/);
  });
});

describe('parseRow', () => {
  const layout = layoutOf(['email', 'name', 'city', 'plan']);
  const ok = (fields: string[]) => parseRow(layout, fields) as ImportRow;

  it('trims cells, keys the address, and turns the other columns into attributes', () => {
    expect(ok([' Ada@Example.COM ', ' Ada ', 'London', 'pro'])).toEqual({
      email: 'Ada@Example.COM',
      emailKey: 'ada@example.com',
      name: 'Ada',
      attributes: '{"city":"London","plan":"pro"}',
    });
  });

  it('leaves empty cells out of the attributes and gives an empty name when none is given', () => {
    expect(ok(['a@example.com', '', '', 'free'])).toMatchObject({ name: '', attributes: '{"plan":"free"}' });
  });

  it('keeps a column titled __proto__ as a plain attribute', () => {
    const row = parseRow(layoutOf(['email', '__proto__']), ['a@example.com', 'x']) as ImportRow;
    expect(JSON.parse(row.attributes)).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it.each([
    [['not-an-address', '', '', ''], /"not-an-address" is not a valid email address/],
    [['', 'No Mail', '', ''], /email is missing/],
    [[`${'a'.repeat(320)}@example.com`, '', '', ''], /email is longer than 320 characters/],
    [['a@example.com', 'x'.repeat(201), '', ''], /name is longer than 200 characters/],
    [['a@example.com', 'Two\nLines', '', ''], /name must not contain line breaks/],
    [['a@example.com', 'Ada', 'London'], /the row has 3 columns, the header has 4/],
    [['a@example.com', 'Ada', 'London', 'pro', 'extra'], /the row has 5 columns, the header has 4/],
    [['a@example.com', 'Ada', 'nul\u0000here', ''], /attribute "city" contains a NUL character/],
  ])('refuses %j', (fields, message) => {
    const result = parseRow(layout, fields);
    expect(result).toEqual({ error: expect.stringMatching(message) });
  });

  it('refuses attributes over 16 KB as JSON and accepts them just under', () => {
    const fits = 16 * 1024 - '{"city":"","plan":"p"}'.length;
    expect(parseRow(layout, ['a@example.com', '', 'c'.repeat(fits), 'p'])).not.toHaveProperty('error');
    expect(parseRow(layout, ['a@example.com', '', 'c'.repeat(fits + 1), 'p'])).toEqual({
      error: 'attributes must be at most 16 KB as JSON (got 16385 bytes)',
    });
    // Multi-byte characters count in bytes, not characters.
    expect(parseRow(layout, ['a@example.com', '', 'é'.repeat(8200), ''])).toEqual({
      error: expect.stringMatching(/at most 16 KB/),
    });
  });
});

describe('isBlank', () => {
  it('is true for records of empty or white cells only', () => {
    expect(isBlank([''])).toBe(true);
    expect(isBlank(['', ' ', ''])).toBe(true);
    expect(isBlank(['', 'x'])).toBe(false);
  });
});
