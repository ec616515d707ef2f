import { createHash, createPrivateKey, KeyObject, sign } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import type { DkimConfig } from '../config/app-config';

/** Headers covered by the signature: nodemailer's usual set plus both RFC 8058 headers. */
export const DKIM_SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:Content-ID:' +
  'Content-Description:Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:Resent-Message-ID:In-Reply-To:References:' +
  'List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:List-Owner:List-Archive:Feedback-ID';

/**
 * DKIM (RFC 6376), rsa-sha256, relaxed/relaxed, of a message whose header block and body are at hand: what
 * nodemailer's signer does, without streaming the message through a parser and a per-byte canonicaliser, and
 * with the key parsed once (nodemailer hands the PEM to node:crypto for every message, which parses it again:
 * 2.3 ms of a 2.8 ms signature with an RSA 2048 key). The signature has the same tags as nodemailer's (no t=,
 * no x=) and signs the last instance of each listed header present. Verified with mailauth in dkim-signer.spec
 * and the campaign e2e tests.
 */
export class DkimSigner {
  private readonly key: KeyObject;
  private readonly fields: string[];
  private readonly domain: string;
  private readonly selector: string;

  constructor(config: DkimConfig, headerFieldNames = DKIM_SIGNED_HEADERS) {
    this.key = createPrivateKey(config.privateKey);
    this.fields = headerFieldNames.toLowerCase().split(':');
    this.domain = domainToASCII(tagValue(config.domainName)) || tagValue(config.domainName);
    this.selector = tagValue(config.keySelector);
  }

  /**
   * The `DKIM-Signature` header line (folded, ending in CRLF) to put before `headers`: the message's header
   * block (CRLF line ends, without the blank line after it); `body` is everything after that blank line.
   */
  signatureFor(headers: string, body: string): string {
    const bodyHash = createHash('sha256').update(relaxedBody(body), 'utf8').digest('base64');
    const byName = new Map<string, string>();
    for (const field of headers.split(/\r\n(?![ \t])/)) {
      const colon = field.indexOf(':');
      if (colon > 0) byName.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1)); // the last one wins
    }
    const signed = this.fields.filter((name) => byName.has(name));
    const header =
      foldLines(
        `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${this.domain}; q=dns/txt; s=${this.selector}; ` +
          `bh=${bodyHash}; h=${signed.join(':')}`,
        76,
      ) + ';\r\n b=';
    const canonical =
      signed.map((name) => `${name}:${relaxedValue(byName.get(name)!)}\r\n`).join('') +
      `dkim-signature:${relaxedValue(header.slice(header.indexOf(':') + 1))}`;
    const signature = sign('sha256', Buffer.from(canonical, 'utf8'), this.key).toString('base64');
    return `${header}${signature.replace(/(^.{73}|.{75}(?!$))/g, '$&\r\n ')}\r\n`;
  }
}

/**
 * Relaxed body canonicalisation (RFC 6376 3.4.4): runs of spaces and tabs one space, none at a line's end, no
 * empty lines at the end, and a CRLF after the last line (nothing at all for an empty body).
 */
export function relaxedBody(body: string): string {
  const canonical = body
    .replace(/[ \t]+/g, ' ')
    .replace(/ (?=\r\n|$)/g, '')
    .replace(/(?:\r\n)+$/, '');
  return canonical ? `${canonical}\r\n` : '';
}

/** Relaxed header value canonicalisation (RFC 6376 3.4.2): unfolded, runs of WSP one space, trimmed. */
function relaxedValue(value: string): string {
  return value
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** A tag value with nothing that could end it or start another (as nodemailer cleans them). */
function tagValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it drops
  return value.replace(/[\x00-\x1f\x7f;=]/g, '');
}
