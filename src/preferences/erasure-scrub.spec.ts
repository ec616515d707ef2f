import { needlesOf, redact, scrubDetail } from './erasure-scrub';

describe('erasure scrubbing', () => {
  const needles = needlesOf({ email: 'Ada.L@Example.com', emailKey: 'ada.l@example.com', name: 'Ada Lovelace' });

  it('drops IP and user agent, keeps the flags behind the aggregates', () => {
    expect(
      scrubDetail({ machine: true, proxy: 'apple', ip: '203.0.113.9', userAgent: 'Mozilla/5.0' }, needles),
    ).toEqual({ machine: true, proxy: 'apple' });
    expect(scrubDetail({ ip: '203.0.113.9' }, needles)).toBeNull();
  });

  it('cuts the address (any case, URL-encoded) and the name out of kept strings', () => {
    const out = scrubDetail(
      { url: 'https://shop.test/?e=ada.l%40example.com', error: '550 <ADA.L@example.com> unknown, Ada Lovelace' },
      needles,
    );
    expect(JSON.stringify(out)).not.toMatch(/ada\.l|lovelace/i);
    expect(redact('to Ada.L@Example.com', needles)).toBe('to [erased]');
  });
});
