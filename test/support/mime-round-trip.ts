import nodemailer from 'nodemailer';
import PostalMime from 'postal-mime';
import type { RawPart } from '../../src/delivery/quoted-printable-parts';

const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The message nodemailer builds with these ready body parts: its raw text, and how a mail client reads it. */
export async function mimeRoundTrip(
  parts: { part(contentType: 'text/html' | 'text/plain', body: string): RawPart },
  html: string,
  text: string,
) {
  const info = await transport.sendMail({
    from: 'news@parts.example',
    to: 'reader@parts.example',
    subject: 'Parts',
    html: parts.part('text/html', html),
    text: parts.part('text/plain', text),
  });
  const raw = info.message as Buffer;
  return { raw: raw.toString('latin1'), parsed: await PostalMime.parse(raw) };
}
