import { randomUUID } from 'node:crypto';
import { messageOfVerp, verpAddress } from './verp';

const config = { bounceDomain: 'Bounce.Example.com', appSecret: 'x'.repeat(40) };

describe('VERP addresses', () => {
  it('name their message, survive lower-casing and keep MAIL_FROM local part', () => {
    const id = randomUUID();
    const address = verpAddress(config, id, 'News <news@example.com>');
    expect(address).toMatch(/^news\+[a-z2-7]{34}@bounce\.example\.com$/);
    expect(messageOfVerp(config, address)).toBe(id);
    expect(messageOfVerp(config, address.toUpperCase())).toBe(id);
  });

  it('fall back to "bounces" when the local part cannot carry a tag', () => {
    const id = randomUUID();
    for (const from of ['"odd one"@example.com', `${'a'.repeat(40)}@example.com`, 'nobody']) {
      const address = verpAddress(config, id, from);
      expect(address.startsWith('bounces+')).toBe(true);
      expect(messageOfVerp(config, address)).toBe(id);
    }
  });

  it('refuse a changed token, another domain, another secret, or no token at all', () => {
    const id = randomUUID();
    const address = verpAddress(config, id, 'news@example.com');
    const [local, domain] = address.split('@');
    const flipped = local.slice(0, -1) + (local.endsWith('a') ? 'b' : 'a');
    expect(messageOfVerp(config, `${flipped}@${domain}`)).toBeNull();
    // Another id with the first one's MAC.
    const other = verpAddress(config, randomUUID(), 'news@example.com');
    expect(messageOfVerp(config, `news+${other.slice(5, 31)}${local.slice(-8)}@${domain}`)).toBeNull();
    expect(messageOfVerp(config, `${local}@elsewhere.example`)).toBeNull();
    expect(messageOfVerp({ ...config, appSecret: 'y'.repeat(40) }, address)).toBeNull();
    expect(messageOfVerp(config, `news@${domain}`)).toBeNull();
    expect(messageOfVerp(config, `news+short@${domain}`)).toBeNull();
    expect(messageOfVerp(config, '')).toBeNull();
  });

  it('refuse a second spelling of the same id (the last character carries two spare bits)', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const address = verpAddress(config, id, 'news@example.com');
    const local = address.split('@')[0];
    const token = local.split('+')[1];
    const respelled = `${token.slice(0, 25)}b${token.slice(26)}`;
    expect(token[25]).toBe('a');
    expect(messageOfVerp(config, `news+${respelled}@bounce.example.com`)).toBeNull();
  });
});
