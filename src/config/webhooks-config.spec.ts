import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const SECRET = 's'.repeat(32);
const ARN = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
const P256_DER = p256.export({ format: 'der', type: 'spki' }).toString('base64');

describe('loadConfig: provider webhooks', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'mc-webhooks-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  const load = (env: Record<string, string>) => loadConfig({ APP_SECRET: SECRET, DATA_DIR: dataDir, ...env }).webhooks;
  const problem = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('enables none by default', () => {
    expect(load({})).toEqual({});
  });

  it('takes SNS topic ARNs (comma separated) or * for any topic', () => {
    expect(load({ SES_SNS_TOPIC_ARNS: `${ARN}, arn:aws-cn:sns:cn-north-1:123456789012:b` }).sesTopicArns).toEqual([
      ARN,
      'arn:aws-cn:sns:cn-north-1:123456789012:b',
    ]);
    expect(load({ SES_SNS_TOPIC_ARNS: '*' }).sesTopicArns).toBe('any');
    expect(problem({ SES_SNS_TOPIC_ARNS: `${ARN},ses-bounces` })).toBe(
      'Configuration error: SES_SNS_TOPIC_ARNS must be SNS topic ARNs separated by commas, or *; got "ses-bounces"',
    );
  });

  it('takes a P-256 public key for SendGrid as base64 DER or PEM, and nothing else', () => {
    expect(load({ SENDGRID_WEBHOOK_PUBLIC_KEY: P256_DER }).sendgridPublicKey).toBe(P256_DER);
    const pem = p256.export({ format: 'pem', type: 'spki' }).toString();
    expect(load({ SENDGRID_WEBHOOK_PUBLIC_KEY: pem }).sendgridPublicKey).toBe(P256_DER);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const message = 'Configuration error: SENDGRID_WEBHOOK_PUBLIC_KEY must be an ECDSA P-256 public key in base64 DER';
    expect(
      problem({ SENDGRID_WEBHOOK_PUBLIC_KEY: rsa.export({ format: 'der', type: 'spki' }).toString('base64') }),
    ).toBe(message);
    expect(problem({ SENDGRID_WEBHOOK_PUBLIC_KEY: 'not a key' })).toBe(message);
  });

  it('needs Postmark user and password together, and a Mailgun key of some length', () => {
    expect(load({ POSTMARK_WEBHOOK_USER: 'hooks', POSTMARK_WEBHOOK_PASSWORD: 'p'.repeat(16) }).postmark).toEqual({
      user: 'hooks',
      password: 'p'.repeat(16),
    });
    expect(problem({ POSTMARK_WEBHOOK_USER: 'hooks' })).toMatch(/POSTMARK_WEBHOOK_PASSWORD must be set together/);
    expect(problem({ POSTMARK_WEBHOOK_USER: 'a:b', POSTMARK_WEBHOOK_PASSWORD: 'p'.repeat(16) })).toMatch(
      /POSTMARK_WEBHOOK_USER must be one line without ":"/,
    );
    expect(problem({ POSTMARK_WEBHOOK_USER: 'hooks', POSTMARK_WEBHOOK_PASSWORD: 'short' })).toMatch(
      /POSTMARK_WEBHOOK_PASSWORD must be at least 16 characters/,
    );
    expect(load({ MAILGUN_WEBHOOK_SIGNING_KEY: 'k'.repeat(32) }).mailgunSigningKey).toBe('k'.repeat(32));
    expect(problem({ MAILGUN_WEBHOOK_SIGNING_KEY: 'short' })).toMatch(/MAILGUN_WEBHOOK_SIGNING_KEY must be at least/);
  });
});
