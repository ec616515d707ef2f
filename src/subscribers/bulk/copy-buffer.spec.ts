import { CopyBuffer } from './copy-buffer';

describe('CopyBuffer', () => {
  it('writes tab-separated lines, escaping what COPY text format needs', () => {
    const copy = new CopyBuffer();
    copy.push(['a', 'tab\there', 'back\\slash']);
    copy.push(['line\nbreak', 'cr\rhere', '{"k":"é €"}']);
    expect(copy.content().toString('utf8')).toBe(
      'a\ttab\\there\tback\\\\slash\nline\\nbreak\tcr\\rhere\t{"k":"é €"}\n',
    );
    expect(copy.rows).toBe(2);
    expect(copy.bytes).toBe(copy.content().length);
  });

  it('grows past its first megabyte and starts over when cleared', () => {
    const copy = new CopyBuffer();
    const big = 'x'.repeat(300 * 1024);
    for (let i = 0; i < 5; i++) copy.push([String(i), big]);
    const lines = copy.content().toString('utf8').split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[4]).toBe(`4\t${big}`);
    copy.clear();
    copy.push(['again']);
    expect(copy.content().toString('utf8')).toBe('again\n');
    expect(copy.rows).toBe(1);
  });
});
