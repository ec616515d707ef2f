import { QuotedPrintableParts, RawPart } from './quoted-printable-parts';

/** Longest line 7bit data may have: 998 characters before the CRLF (RFC 5322 2.1.1, RFC 2045 2.7). */
const LONGEST_7BIT_LINE = 998;
/** What 7bit data may not hold (RFC 2045 2.7): anything but US-ASCII printable characters, tab, CR and LF. */
const NOT_7BIT = /[^\t\n\r\x20-\x7e]/;

/**
 * The bodies of a message as ready MIME parts. A body that is already 7bit data (US-ASCII, lines of at most 998
 * characters: what MJML makes of an English newsletter) is sent as it is, `Content-Transfer-Encoding: 7bit`,
 * which every MTA passes unchanged; any other is quoted-printable (QuotedPrintableParts). Encoding the HTML of
 * every message was the largest CPU cost of sending a campaign, and nodemailer itself sends short-lined ASCII as
 * 7bit; here the limit is the standard's line length rather than its 76-character recommendation.
 */
export class TextParts {
  private readonly quotedPrintable = new QuotedPrintableParts();

  part(contentType: 'text/html' | 'text/plain', body: string | Buffer): RawPart {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    const sevenBit = asSevenBit(text);
    if (sevenBit === null) return this.quotedPrintable.part(contentType, text);
    return { raw: `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${sevenBit}` };
  }
}

/** The body with CRLF line ends if it is 7bit data, else null. */
export function asSevenBit(body: string): string | null {
  if (NOT_7BIT.test(body)) return null;
  if (body.includes('\r')) {
    const lines = body.split(/\r\n?|\n/);
    for (const line of lines) if (line.length > LONGEST_7BIT_LINE) return null;
    return lines.join('\r\n');
  }
  // LF only (what MJML and Handlebars make): the line lengths measured between native searches, then every LF
  // made CRLF natively in one copy; splitting into a string per line and joining them cost twice as much.
  let start = 0;
  for (let lf = body.indexOf('\n'); lf !== -1; lf = body.indexOf('\n', start)) {
    if (lf - start > LONGEST_7BIT_LINE) return null;
    start = lf + 1;
  }
  if (body.length - start > LONGEST_7BIT_LINE) return null;
  return body.replaceAll('\n', '\r\n');
}
