import { QuotedPrintableParts } from './quoted-printable-parts';
import { mimeRoundTrip } from '../../test/support/mime-round-trip';

describe('QuotedPrintableParts', () => {
  const tricky = [
    '<p style="color:#333">Grüße aus Zürich — 東京 🎉</p>',
    'trailing spaces   ',
    'a tab at the end\t',
    `a long line ${'lorem=ipsum '.repeat(40)}with an ending`,
    `${'é'.repeat(200)}`,
    'a lone\rCR and a CRLF\r\nend',
    '.a line starting with a dot',
    '',
    '=3D is not an escape here',
  ].join('\n');

  it('gives the bodies back exactly as a mail client decodes them, lines within 76 characters', async () => {
    const { raw, parsed } = await mimeRoundTrip(new QuotedPrintableParts(), tricky, `Text: ${tricky}`);
    // A lone CR is a line break, as it would be for any MTA on the way. postal-mime ends a quoted-printable
    // part with a line break, whoever encoded it (nodemailer's own encoder too).
    const expected = tricky.replace(/\r\n|\r/g, '\n');
    const read = (body?: string) => body?.replace(/\r\n/g, '\n').replace(/\n$/, '');
    expect(read(parsed.html)).toBe(expected);
    expect(read(parsed.text)).toBe(`Text: ${expected}`);
    expect(raw).toContain('Content-Transfer-Encoding: quoted-printable');
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(raw).not.toMatch(/[^\r]\n/); // CRLF line ends only
  });

  it('encodes a line it has seen before to the same text as the first time', () => {
    const parts = new QuotedPrintableParts();
    const first = parts.encode(tricky);
    const again = parts.encode(tricky);
    expect(again).toBe(first);
    expect(new QuotedPrintableParts().encode(`${tricky}\nnew line`)).toBe(`${first}\r\nnew line`);
  });

  it('keeps giving right answers once the lines it remembers have turned over many times', () => {
    const parts = new QuotedPrintableParts();
    for (let i = 0; i < 50_000; i++) parts.encode(`<a href="https://x.example/c/${i}">reader ${i}</a>`);
    expect(parts.encode('Grüße=')).toBe('Gr=C3=BC=C3=9Fe=3D');
    expect(parts.encode('<a href="https://x.example/c/7">reader 7</a>')).toBe(
      '<a href=3D"https://x.example/c/7">reader 7</a>',
    );
  });
});
