import { BadRequestException } from '@nestjs/common';
import { parseRules } from './segment-rules';

const LIST = '0b3c8f3e-5a55-4f5e-9d3e-2d4c1c1f0a11';

function messagesOf(rules: unknown): string[] {
  try {
    parseRules(rules);
  } catch (e) {
    if (e instanceof BadRequestException) return (e.getResponse() as { message: string[] }).message;
    throw e;
  }
  return [];
}

describe('parseRules', () => {
  it('puts every kind of rule in one shape', () => {
    expect(
      parseRules([
        { field: 'email', op: 'contains', value: ' shop ' },
        { field: 'attributes.age', op: 'gte', value: 18 },
        { field: 'attributes.age', op: 'eq', value: 36 },
        { field: 'attributes.plan', op: 'eq', value: 'pro' },
        { field: 'attributes.vip', op: 'is', value: true },
        { field: 'list', op: 'notMember', value: { listId: LIST.toUpperCase(), status: 'confirmed' } },
        { field: 'opened', op: 'within', value: { days: 90 } },
        { field: 'clicked', op: 'never' },
        { field: 'ordered', op: 'gte', value: 2 },
        { field: 'ordered.last', op: 'never' },
      ]),
    ).toEqual([
      { kind: 'text', field: { column: 'email' }, op: 'contains', value: 'shop' },
      { kind: 'number', key: 'age', op: 'gte', value: 18 },
      { kind: 'number', key: 'age', op: 'eq', value: 36 },
      { kind: 'text', field: { attribute: 'plan' }, op: 'eq', value: 'pro' },
      { kind: 'boolean', key: 'vip', value: true },
      { kind: 'list', listId: LIST, status: 'confirmed', member: false },
      { kind: 'engagement', event: 'opened', days: 90, campaignId: null, yes: true },
      { kind: 'engagement', event: 'clicked', days: null, campaignId: null, yes: false },
      { kind: 'orders', measure: 'count', op: 'gte', value: 2 },
      { kind: 'neverOrdered' },
    ]);
  });

  it('names each wrong rule by its index and what is wrong', () => {
    expect(
      messagesOf([
        { field: 'name', op: 'eq', value: 'Ada' },
        { field: 'attributes.a"b', op: 'eq', value: 'x' },
        { field: 'createdAt', op: 'contains', value: 'x' },
        { field: 'attributes.since', op: 'before', value: '2026-13-01' },
        'not a rule',
      ]),
    ).toEqual([
      expect.stringMatching(/^rules\[1\]: an attribute key is 1 to 64 letters/),
      'rules[2]: op must be one of before, after, within for this field',
      'rules[3]: value must be a date YYYY-MM-DD',
      'rules[4]: must be {field, op, value}',
    ]);
    expect(messagesOf('all')).toEqual(['rules must be an array']);
  });
});
