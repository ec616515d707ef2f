import { humaniseKey } from './humanise-key';

describe('humaniseKey', () => {
  it.each([
    ['city', 'City'],
    ['zip_code', 'Zip code'],
    ['firstName', 'First name'],
    ['shipping-address.city', 'Shipping address city'],
    ['VIP', 'Vip'],
    ['__', '__'],
  ])('%s → %s', (key, shown) => expect(humaniseKey(key)).toBe(shown));
});
