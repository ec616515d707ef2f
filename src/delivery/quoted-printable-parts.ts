import { encode, wrap } from 'nodemailer/lib/qp';

/** Distinct lines kept encoded, per generation; two generations are kept (see QuotedPrintableParts). */
const LINES_PER_GENERATION = 5_000;
/** Lines seen once, remembered until this many have been, so that a line seen twice is kept encoded. */
const LINES_SEEN_ONCE = 5_000;
/** Lines longer than this are encoded each time: rare in rendered mail, and they would crowd the cache. */
const LONGEST_CACHED_LINE = 2_000;

/** A text/* MIME part, ready for nodemailer's `raw` (headers and body, nothing left to encode). */
export interface RawPart {
  raw: string;
}

/**
 * The bodies of a message as quoted-printable MIME parts, encoded line by line with the lines of earlier
 * messages remembered. Every reader of a campaign gets the same HTML but for a few lines (their links, their
 * name), so nearly every line is encoded once per campaign rather than once per message: encoding the whole
 * body for each message (nodemailer's stream encoder) was the largest CPU cost of sending a campaign.
 *
 * Encoding a line on its own is what nodemailer's encoder does with the whole body: lines end in CRLF, the
 * whitespace before a line end is encoded, and soft breaks keep lines within 76 characters (nodemailer's own
 * qp.encode and qp.wrap do the work). A line is kept encoded once it was seen twice, in two generations: a new
 * one starts when the current one is full, so lines that stop recurring (another campaign's) leave within two.
 * Memory stays a few megabytes whatever is sent.
 */
export class QuotedPrintableParts {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();
  private seenOnce = new Set<string>();

  part(contentType: 'text/html' | 'text/plain', body: string | Buffer): RawPart {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    return {
      raw: `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${this.encode(text)}`,
    };
  }

  /** The body, quoted-printable, with CRLF line ends. */
  encode(body: string): string {
    const lines = body.split(/\r\n|[\r\n]/);
    for (let i = 0; i < lines.length; i++) lines[i] = this.line(lines[i]);
    return lines.join('\r\n');
  }

  private line(line: string): string {
    if (line.length > LONGEST_CACHED_LINE) return encodeLine(line);
    let encoded = this.current.get(line);
    if (encoded !== undefined) return encoded;
    encoded = this.previous.get(line);
    if (encoded === undefined) {
      encoded = encodeLine(line);
      // One reader's line (their links, their name) is never seen again: only a line seen twice is kept.
      if (!this.seenOnce.has(line)) {
        if (this.seenOnce.size >= LINES_SEEN_ONCE) this.seenOnce = new Set();
        this.seenOnce.add(line);
        return encoded;
      }
      this.seenOnce.delete(line);
    }
    if (this.current.size >= LINES_PER_GENERATION) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(line, encoded);
    return encoded;
  }
}

function encodeLine(line: string): string {
  return wrap(encode(Buffer.from(line, 'utf8')), 76);
}
