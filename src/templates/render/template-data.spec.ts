import { TemplateDataError } from '../template-errors';
import { assertRequired, missingFields, plainData } from './template-data';

describe('template data', () => {
  it('names every missing required field, walking arrays with *', () => {
    const data = { order: { number: 'A1', items: [{ name: 'mug' }, { quantity: 2 }], trackingUrl: '' } };
    expect(missingFields(data, ['order.number', 'order.trackingUrl', 'order.items.*.name', 'customer.email'])).toEqual([
      'data.order.trackingUrl',
      'data.order.items.1.name',
      'data.customer.email',
    ]);
    expect(missingFields({ order: { items: 'x' } }, ['order.items.*.name'])).toEqual(['data.order.items']);
    expect(() => assertRequired(data, ['order.trackingUrl'])).toThrow(TemplateDataError);
    try {
      assertRequired(data, ['order.trackingUrl']);
    } catch (e) {
      expect((e as TemplateDataError).getResponse()).toEqual({ statusCode: 400, error: 'Bad Request', message: ['data.order.trackingUrl is required'] });
    }
  });

  it('copies only plain values: no functions, no prototypes, dates as ISO strings', () => {
    class Customer {
      name = 'Ada';
      greet() {
        return 'hi';
      }
    }
    const input = { customer: new Customer(), at: new Date('2026-01-02T03:04:05Z'), fn: () => 1, n: NaN, list: [1, undefined] };
    const copy = plainData(input);
    expect(copy).toEqual({ customer: { name: 'Ada' }, at: '2026-01-02T03:04:05.000Z', n: null, list: [1, null] });
    expect(Object.getPrototypeOf(copy.customer)).toBe(Object.prototype);
    expect(plainData(JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}'))).toEqual({ a: 1 });
  });

  it('refuses data that is not an object, or cycles', () => {
    expect(() => plainData([1])).toThrow(TemplateDataError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => plainData(loop)).toThrow(/nested more than/);
  });
});
