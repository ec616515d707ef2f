import { describe, expect, it } from '@jest/globals';
import { linkAddress } from './builder-link';

describe('linkAddress', () => {
  it('keeps a web address as typed, query and fragment included', () => {
    expect(linkAddress(' https://example.com/spring?from=news&issue=4#gardens ')).toBe(
      'https://example.com/spring?from=news&issue=4#gardens',
    );
    expect(linkAddress('http://example.com')).toBe('http://example.com');
  });

  it('puts https:// before an address typed without one', () => {
    expect(linkAddress('example.com/page')).toBe('https://example.com/page');
    expect(linkAddress('www.example.org')).toBe('https://www.example.org');
  });

  it('takes a mailto: address and a Handlebars variable the mail fills in', () => {
    expect(linkAddress('mailto:editor@example.com')).toBe('mailto:editor@example.com');
    expect(linkAddress('{{preferencesUrl}}')).toBe('{{preferencesUrl}}');
    expect(linkAddress('{{ subscriber.attributes.page }}')).toBe('{{ subscriber.attributes.page }}');
  });

  it('refuses what cannot lead anywhere from a mail', () => {
    for (const bad of [
      '',
      '   ',
      'javascript:alert(1)',
      'data:text/html,hi',
      'ftp://example.com',
      'two words',
      'localhost',
      '/relative/page',
    ])
      expect(linkAddress(bad)).toBeNull();
  });
});
