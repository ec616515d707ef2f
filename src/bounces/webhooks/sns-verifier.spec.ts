import { ForbiddenException, ServiceUnavailableException } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { SnsSigner, TEST_CERT_URL, TEST_TOPIC_ARN } from '../../../test/support/sns-signer';
import { SnsHttp } from './sns-http';
import { readSnsMessage, snsUrl } from './sns-message';
import { SnsVerifier } from './sns-verifier';

/** The certificate "fetched" from AWS: the unit spec needs no server (the e2e spec uses a real one). */
class CertificateServer extends SnsHttp {
  readonly fetched: string[] = [];
  constructor(private readonly pem: () => string) {
    super();
  }
  override get(url: URL): Promise<Buffer> {
    this.fetched.push(url.href);
    return Promise.resolve(Buffer.from(this.pem()));
  }
}

describe('SnsVerifier', () => {
  const signer = new SnsSigner();
  const config = (topics: string[] | 'any') => ({ webhooks: { sesTopicArns: topics } }) as AppConfig;
  let http: CertificateServer;
  let verifier: SnsVerifier;

  beforeEach(() => {
    http = new CertificateServer(() => signer.certPem);
    verifier = new SnsVerifier(config([TEST_TOPIC_ARN]), http);
  });

  it('takes SignatureVersion 1 (SHA1) and 2 (SHA256), fetching the certificate once', async () => {
    await expect(verifier.verify(signer.notification({ a: 1 }))).resolves.toBeUndefined();
    await expect(verifier.verify(signer.notification({ a: 2 }, { SignatureVersion: '2' }))).resolves.toBeUndefined();
    expect(http.fetched).toEqual([TEST_CERT_URL]);
  });

  it('refuses a changed message, a signature of another key and a missing field', async () => {
    const m = signer.notification({ notificationType: 'Bounce' });
    await expect(verifier.verify({ ...m, Message: m.Message.replace('Bounce', 'Complaint') })).rejects.toThrow(
      ForbiddenException,
    );
    const other = new SnsSigner();
    await expect(verifier.verify(other.notification({ a: 1 }))).rejects.toThrow('Signature does not match');
    await expect(verifier.verify({ ...m, Subject: undefined })).rejects.toThrow(ForbiddenException);
  });

  it('refuses certificates from anywhere but an https SNS host', async () => {
    for (const url of [
      'http://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/x.pem',
      'https://evil.example/sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com:8443/x.pem',
      'https://user@sns.us-east-1.amazonaws.com/x.pem',
      'https://s3.amazonaws.com/x.pem',
    ]) {
      await expect(verifier.verify(signer.notification({}, { SigningCertURL: url }))).rejects.toThrow('SigningCertURL');
    }
    expect(http.fetched).toEqual([]);
    expect(snsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem')).not.toBeNull();
  });

  it('refuses a topic outside SES_SNS_TOPIC_ARNS before fetching anything; "any" takes every topic', async () => {
    const m = signer.notification({}, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:someone-else' });
    await expect(verifier.verify(signer.signed(m))).rejects.toThrow('TopicArn');
    expect(http.fetched).toEqual([]);
    await expect(new SnsVerifier(config('any'), http).verify(signer.signed(m))).resolves.toBeUndefined();
  });

  it('answers 403 for a certificate that is no certificate, 503 when AWS cannot be reached', async () => {
    const junk = new SnsVerifier(config('any'), new CertificateServer(() => 'not a certificate'));
    await expect(junk.verify(signer.notification({}))).rejects.toThrow(ForbiddenException);
    const down = new SnsHttp();
    jest.spyOn(down, 'get').mockRejectedValue(new TypeError('fetch failed'));
    await expect(new SnsVerifier(config('any'), down).verify(signer.notification({}))).rejects.toThrow(
      ServiceUnavailableException,
    );
    // A region that does not exist passes the host rule; its failure is the sender's, not AWS's.
    const nowhere = new SnsHttp();
    const notFound = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    jest.spyOn(nowhere, 'get').mockRejectedValue(notFound);
    await expect(new SnsVerifier(config('any'), nowhere).verify(signer.notification({}))).rejects.toThrow(
      ForbiddenException,
    );
  });

  it('reads only well-formed SNS messages', () => {
    expect(() => readSnsMessage({ Type: 'Notification' })).toThrow('body: SignatureVersion is required');
    expect(() => readSnsMessage({ ...signer.notification({}), SignatureVersion: '3' })).toThrow('SignatureVersion');
    expect(() => readSnsMessage({ ...signer.notification({}), Type: 'Other' })).toThrow('Type must be one of');
    expect(() => readSnsMessage([])).toThrow('must be an object');
  });
});
