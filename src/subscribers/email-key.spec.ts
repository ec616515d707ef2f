import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { emailKeyOf, hasEmailKey, legacyKeysOf, storedEmailKeyOf } from './email-key';

const KEY = 'zoë@xn--bcher-kva.example';
const NFC = 'zo\u00eb@b\u00fccher.example';
const NFD = 'zoe\u0308@bu\u0308cher.example';

describe('emailKeyOf', () => {
  it('gives one key for every spelling of the same address: composed or decomposed, upper or lower case, Unicode or punycode domain', () => {
    for (const spelling of [
      NFC,
      NFD,
      'ZOË@BÜCHER.EXAMPLE',
      'ZOE\u0308@BU\u0308CHER.example',
      'zoë@xn--bcher-kva.example',
      'Zoë@XN--BCHER-KVA.Example',
      `  ${NFD}\t`,
    ]) {
      expect([spelling, emailKeyOf(spelling)]).toEqual([spelling, KEY]);
    }
  });

  it('keeps an all-ASCII address exactly as before: trimmed and lower-cased', () => {
    expect(emailKeyOf('  Ada.Lovelace+news@Example.COM ')).toBe('ada.lovelace+news@example.com');
    expect(emailKeyOf('"odd local"@example.com')).toBe('"odd local"@example.com');
  });

  it('turns real-world IDN domains into their ASCII form', () => {
    expect(emailKeyOf('info@münchen.de')).toBe('info@xn--mnchen-3ya.de');
    expect(emailKeyOf('post@straße.de')).toBe('post@xn--strae-oqa.de'); // non-transitional: ß stays ß
    expect(emailKeyOf('user@пример.рф')).toBe('user@xn--e1afmkfd.xn--p1ai');
    expect(emailKeyOf('ΑΘΗΝΑ@例え.jp')).toBe('αθηνα@xn--r8jz45g.jp');
    expect(emailKeyOf('a@ＥＸＡＭＰＬＥ.com')).toBe('a@example.com'); // full-width letters, as browsers map them
  });

  it('lower-cases a non-ASCII local part with Unicode rules, composed', () => {
    expect(emailKeyOf('ÉLODIE@example.fr')).toBe('élodie@example.fr');
    expect(emailKeyOf('E\u0301LODIE@example.fr')).toBe('élodie@example.fr');
  });

  it('refuses a domain with no valid IDNA form with a 400, never a crash', () => {
    for (const bad of ['a@xn--zz.example', 'zoë@xn--a.example', 'zoë@b\u200dcher.example']) {
      expect(() => emailKeyOf(bad)).toThrow(BadRequestException);
      expect(() => emailKeyOf(bad)).toThrow(/not a valid internationalised domain name/);
      expect(hasEmailKey(bad)).toBe(false);
      expect(storedEmailKeyOf(bad)).toBe(bad.toLowerCase());
    }
    expect(hasEmailKey(NFD)).toBe(true);
  });

  it('is idempotent: a key is its own key', () => {
    for (const spelling of [NFC, 'user@пример.рф', 'Ada@Example.com'])
      expect(emailKeyOf(emailKeyOf(spelling))).toBe(emailKeyOf(spelling));
  });
});

describe('legacyKeysOf', () => {
  it('names the keys an address had before normalisation, so an old suppression hash still matches', () => {
    const old = (typed: string) => createHash('sha256').update(typed.trim().toLowerCase()).digest('hex');
    const hashes = new Set([KEY, ...legacyKeysOf(NFD)].map((k) => createHash('sha256').update(k).digest('hex')));
    for (const typed of [NFC, NFD, 'ZOË@BÜCHER.EXAMPLE', 'zoë@xn--bcher-kva.example'])
      expect([typed, hashes.has(old(typed))]).toEqual([typed, true]);
    expect(legacyKeysOf('ada@example.com')).toEqual([]);
  });
});
