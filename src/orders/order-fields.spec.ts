import { orderFacts } from './order-fields';

describe('orderFacts', () => {
  it('reads the date, a numeric total, the currency and the item names', () => {
    expect(
      orderFacts({
        placedAt: '2026-03-04T09:30:00Z',
        total: '49.90',
        currency: 'eur',
        items: [{ name: ' Tea ' }, { name: 'Cup', quantity: 2 }, { quantity: 1 }, 'loose'],
      }),
    ).toEqual({ orderedAt: new Date('2026-03-04T09:30:00Z'), total: 49.9, currency: 'EUR', items: ['Tea', 'Cup'] });
  });

  it('leaves out what is missing or of another shape', () => {
    expect(orderFacts({ placedAt: 'soon', total: '12 euros', currency: 'euro', items: 'Tea' })).toEqual({
      orderedAt: null,
      total: null,
      currency: null,
      items: [],
    });
  });
});
