import { TextParts, asSevenBit } from './text-parts';
import { mimeRoundTrip } from '../../test/support/mime-round-trip';

describe('TextParts', () => {
  const ascii = [
    '<p style="color:#333">Hello = world</p>',
    'trailing spaces   ',
    `<td style="${'padding:0 '.repeat(90)}">a 900-character line</td>`,
    '.a line starting with a dot',
    'a CRLF\r\nend',
  ].join('\n');

  it('sends US-ASCII bodies with lines of at most 998 characters as 7bit, unchanged', async () => {
    const { raw, parsed } = await mimeRoundTrip(new TextParts(), ascii, `Text: ${ascii}`);
    expect(raw.match(/Content-Transfer-Encoding: 7bit/g)).toHaveLength(2);
    expect(raw).not.toContain('quoted-printable');
    const read = (body?: string) => body?.replace(/\r\n/g, '\n').replace(/\n$/, '');
    expect(read(parsed.html)).toBe(ascii.replace(/\r\n/g, '\n'));
    expect(read(parsed.text)).toBe(`Text: ${ascii}`.replace(/\r\n/g, '\n'));
    expect(raw).not.toMatch(/[^\r]\n/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('encodes as quoted-printable a body with other characters or a longer line, and reads back the same', async () => {
    const long = `<p>${'x'.repeat(1_000)}</p>`;
    const accented = '<p>Grüße aus Zürich</p>';
    const { raw, parsed } = await mimeRoundTrip(new TextParts(), long, accented);
    expect(raw.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2);
    expect(parsed.html?.trimEnd()).toBe(long);
    expect(parsed.text?.trimEnd()).toBe(accented);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('tells 7bit data from the rest', () => {
    expect(asSevenBit('a\nb\r\nc\rd')).toBe('a\r\nb\r\nc\r\nd');
    expect(asSevenBit('x'.repeat(998))).toBe('x'.repeat(998));
    expect(asSevenBit('x'.repeat(999))).toBeNull();
    expect(asSevenBit(`a\n${'x'.repeat(998)}\nb`)).toBe(`a\r\n${'x'.repeat(998)}\r\nb`);
    expect(asSevenBit(`a\n${'x'.repeat(999)}\nb`)).toBeNull();
    expect(asSevenBit(`a\n${'x'.repeat(999)}`)).toBeNull();
    expect(asSevenBit(`${'x'.repeat(999)}\nb`)).toBeNull();
    expect(asSevenBit('\n\nend\n')).toBe('\r\n\r\nend\r\n');
    expect(asSevenBit('tab\tok')).toBe('tab\tok');
    for (const other of ['é', 'nul\0', 'del\x7f', 'bell\x07', '🎉']) expect(asSevenBit(other)).toBeNull();
  });
});
