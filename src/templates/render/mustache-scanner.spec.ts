import { scanMustaches, tokensOf } from './mustache-scanner';

describe('scanMustaches', () => {
  it('splits text and mustaches and classifies them', () => {
    const kinds = tokensOf('a {{x}} {{{y}}} {{&z}} {{#each i}}{{else}}{{^}}{{/each}} {{^n}}{{/n}} {{! c }} {{!-- d }} --}} {{> p}} {{~else if q~}}').map((t) => [
      t.source,
      t.kind,
    ]);
    expect(kinds).toEqual([
      ['{{x}}', 'value'],
      ['{{{y}}}', 'raw'],
      ['{{&z}}', 'raw'],
      ['{{#each i}}', 'open'],
      ['{{else}}', 'else'],
      ['{{^}}', 'else'],
      ['{{/each}}', 'close'],
      ['{{^n}}', 'open'],
      ['{{/n}}', 'close'],
      ['{{! c }}', 'comment'],
      ['{{!-- d }} --}}', 'comment'],
      ['{{> p}}', 'partial'],
      ['{{~else if q~}}', 'else'],
    ]);
  });

  it('keeps string literals holding braces inside one mustache', () => {
    expect(tokensOf('{{money a "}}"}} after').map((t) => t.source)).toEqual(['{{money a "}}"}}']);
  });

  it('treats \\{{ as literal braces and \\\\{{ as a backslash before a real mustache', () => {
    expect(scanMustaches('a \\{{x}} b')).toEqual([{ type: 'text', value: 'a {{x}} b' }]);
    expect(scanMustaches('a \\\\{{x}}')).toEqual([
      { type: 'text', value: 'a \\' },
      { type: 'token', kind: 'value', source: '{{x}}', start: 4 },
    ]);
  });

  it('records where each mustache starts', () => {
    const src = '<p>{{a}}</p>\n{{#if b}}';
    expect(tokensOf(src).map((t) => src.slice(t.start, t.start + t.source.length))).toEqual(['{{a}}', '{{#if b}}']);
  });
});
