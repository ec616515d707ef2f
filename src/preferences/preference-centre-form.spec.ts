import { FormRules, readForm } from './preference-centre-form';

describe('readForm (preference centre)', () => {
  const current = { city: 'Paris', age: 36, vip: false, note: null, address: { street: 'Rue X' }, tier: 'gold' };
  const rules: FormRules = {
    editable: [
      { key: 'city', label: 'City' },
      { key: 'age', label: 'Age' },
      { key: 'vip', label: 'VIP' },
      { key: 'note', label: 'Note' },
      { key: 'phone', label: 'Phone' },
      { key: 'address', label: 'Address' },
    ],
    lists: new Set(['l1', 'l2']),
  };

  it('edits the editable attributes keeping their types, and adds one the person did not have', () => {
    const out = readForm(
      {
        name: ' Ada L. ',
        'a:city': 'Lyon',
        'a:age': '37',
        'a:vip': 'true',
        'a:note': '',
        'a:phone': ' 0123 ',
        list: ['l1', 'l2'],
        tracking: 'on',
      },
      current,
      rules,
    );
    expect(out).toEqual({
      name: 'Ada L.',
      attributes: {
        city: 'Lyon',
        age: 37,
        vip: true,
        note: null,
        address: { street: 'Rue X' },
        tier: 'gold',
        phone: '0123',
      },
      listIds: new Set(['l1', 'l2']),
      tracking: true,
    });
  });

  it('leaves an emptied attribute the person did not have absent', () => {
    expect(readForm({ name: 'Ada', 'a:phone': '' }, current, rules)).toMatchObject({ attributes: current });
  });

  it('refuses a field for an attribute not marked editable, or a nested one, naming it: nothing is saved', () => {
    expect(readForm({ name: 'Ada', 'a:tier': 'platinum', 'a:discount': '95' }, current, rules)).toEqual({
      errors: ['Tier: this detail cannot be changed here', 'Discount: this detail cannot be changed here'],
    });
    expect(readForm({ name: 'Ada', 'a:address': 'hacked' }, current, rules)).toEqual({
      errors: ['Address: this detail cannot be changed here'],
    });
  });

  it('refuses a list the page does not offer', () => {
    expect(readForm({ name: 'Ada', list: ['l1', 'private'] }, current, rules)).toEqual({
      errors: ['Lists: one of the lists chosen cannot be joined here'],
    });
  });

  it('reads an absent tracking box as off and a single list as one', () => {
    const out = readForm({ name: 'Ada', list: 'l1' }, current, rules);
    expect(out).toMatchObject({ tracking: false, listIds: new Set(['l1']), attributes: current });
  });

  it('keeps text where a number was but the input is not one', () => {
    expect(readForm({ name: '', 'a:age': 'thirty' }, current, rules)).toMatchObject({ attributes: { age: 'thirty' } });
  });

  it('refuses a name or a value with a line break, or a name over 200 characters, naming the field', () => {
    expect(readForm({ name: 'Ada\r\nBcc: x@y' }, current, rules)).toEqual({
      errors: ['Name: line breaks and control characters are not allowed'],
    });
    expect(readForm({ name: 'a'.repeat(201) }, current, rules)).toEqual({ errors: ['Name: at most 200 characters'] });
    expect(readForm({ name: 'Ada', 'a:city': 'Lyon\nBcc' }, current, rules)).toEqual({
      errors: ['City: line breaks and control characters are not allowed'],
    });
  });
});
