import { ForbiddenException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { KeyObject, verify, X509Certificate } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { SnsHttp } from './sns-http';
import { SnsMessage, snsStringToSign, snsUrl } from './sns-message';

/** A signing certificate is a few KB; a subscription confirmation's answer too. */
const CERT_MAX_BYTES = 64 * 1024;
/** AWS rotates signing certificates rarely; an hour keeps a process from fetching one per message. */
const CERT_CACHE_MS = 60 * 60 * 1000;
const CERT_CACHE_SIZE = 20;

/** Fetching failed on the way (timeout, refused), not by AWS's answer: SNS retries a 5xx. */
class Unreachable extends Error {}

/**
 * Checks that an SNS delivery is AWS's and for one of our topics: the topic allow-list, then the signature
 * (SignatureVersion 1: RSA-SHA1, 2: RSA-SHA256) with the certificate at SigningCertURL, which must be https on
 * an SNS host (sns.<region>.amazonaws.com[.cn]), be valid now, and is cached per URL.
 */
@Injectable()
export class SnsVerifier {
  private readonly certificates = new Map<string, { key: Promise<KeyObject>; until: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly http: SnsHttp,
  ) {}

  async verify(m: SnsMessage): Promise<void> {
    const topics = this.config.webhooks.sesTopicArns;
    if (Array.isArray(topics) && !topics.includes(m.TopicArn))
      throw new ForbiddenException('TopicArn is not one of SES_SNS_TOPIC_ARNS');
    const certUrl = snsUrl(m.SigningCertURL);
    if (!certUrl || !certUrl.pathname.endsWith('.pem'))
      throw new ForbiddenException('SigningCertURL must be an https URL of a .pem on sns.<region>.amazonaws.com');
    const key = await this.certificate(certUrl);
    const signature = Buffer.from(m.Signature, 'base64');
    const algorithm = m.SignatureVersion === '1' ? 'sha1' : 'sha256';
    let valid = false;
    try {
      valid = verify(algorithm, Buffer.from(snsStringToSign(m), 'utf8'), key, signature);
    } catch {
      valid = false;
    }
    if (!valid) throw new ForbiddenException('Signature does not match the SNS message');
  }

  /** Confirms a subscription by visiting its SubscribeURL (an SNS host only). */
  async confirm(m: SnsMessage): Promise<void> {
    const url = m.SubscribeURL ? snsUrl(m.SubscribeURL) : null;
    if (!url) throw new ForbiddenException('SubscribeURL must be an https URL on sns.<region>.amazonaws.com');
    try {
      await this.http.get(url, CERT_MAX_BYTES);
    } catch (e) {
      throw new ServiceUnavailableException(`The subscription could not be confirmed: ${messageOf(e)}`);
    }
  }

  private async certificate(url: URL): Promise<KeyObject> {
    const now = Date.now();
    const cached = this.certificates.get(url.href);
    if (cached && cached.until > now) return this.settle(cached.key);
    if (this.certificates.size >= CERT_CACHE_SIZE) this.certificates.delete(this.certificates.keys().next().value!);
    const key = this.fetchCertificate(url);
    this.certificates.set(url.href, { key, until: now + CERT_CACHE_MS });
    // A failed fetch is not kept: the next message tries again.
    key.catch(() => this.certificates.delete(url.href));
    return this.settle(key);
  }

  private async settle(key: Promise<KeyObject>): Promise<KeyObject> {
    try {
      return await key;
    } catch (e) {
      if (e instanceof Unreachable) throw new ServiceUnavailableException(`SigningCertURL: ${e.message}`);
      throw new ForbiddenException(`SigningCertURL: ${messageOf(e)}`);
    }
  }

  private async fetchCertificate(url: URL): Promise<KeyObject> {
    let pem: Buffer;
    try {
      pem = await this.http.get(url, CERT_MAX_BYTES);
    } catch (e) {
      // AWS's answer, or a host that does not exist (any region name passes the host rule), is the sender's
      // doing: 403. Only a failure on the way (timeout, refused, reset) is worth SNS's retry.
      const answered = /answered|more than/.test(messageOf(e)) || causeCode(e) === 'ENOTFOUND';
      throw answered
        ? new Error(`could not be fetched (${messageOf(e)})`)
        : new Unreachable(`could not be fetched (${messageOf(e)})`);
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new Error('is not a PEM certificate');
    }
    const now = Date.now();
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
      throw new Error('the certificate has expired');
    return cert.publicKey;
  }
}

function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
