import { readForm } from './preference-centre-form';

describe('readForm (preference centre)', () => {
  const current = { city: 'Paris', age: 36, vip: false, note: null, address: { street: 'Rue X' } };

  it('edits existing scalar attributes keeping their types, keeps nested ones, ignores unknown fields', () => {
    const out = readForm({ name: ' Ada L. ', 'a:city': 'Lyon', 'a:age': '37', 'a:vip': 'true', 'a:note': '', 'a:address': 'hacked', 'a:new': 'x', list: ['l1', 'l2'], tracking: 'on' }, current);
    expect(out).toEqual({
      name: 'Ada L.',
      attributes: { city: 'Lyon', age: 37, vip: true, note: null, address: { street: 'Rue X' } },
      listIds: new Set(['l1', 'l2']),
      tracking: true,
    });
  });

  it('reads an absent tracking box as off and a single list as one', () => {
    const out = readForm({ name: 'Ada', list: 'l1' }, current);
    expect(out).toMatchObject({ tracking: false, listIds: new Set(['l1']), attributes: current });
  });

  it('keeps text where a number was but the input is not one', () => {
    expect(readForm({ name: '', 'a:age': 'thirty' }, current)).toMatchObject({ attributes: { age: 'thirty' } });
  });

  it('refuses a name with a line break or over 200 characters, naming the field', () => {
    expect(readForm({ name: 'Ada\r\nBcc: x@y' }, current)).toEqual({ errors: ['Name: line breaks and control characters are not allowed'] });
    expect(readForm({ name: 'a'.repeat(201) }, current)).toEqual({ errors: ['Name: at most 200 characters'] });
  });
});
