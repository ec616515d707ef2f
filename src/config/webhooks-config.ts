import { createPublicKey } from 'node:crypto';
import { WebhooksConfig } from './app-config';
import { ConfigError } from './config-error';
import { EnvironmentVariables } from './env.schema';

/** arn:aws:sns:<region>:<account>:<topic> (aws-cn and aws-us-gov partitions too). */
const TOPIC_ARN = /^arn:aws(?:-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

/** The provider webhooks the environment enables; each one's secret is checked here, once. */
export function loadWebhooks(vars: EnvironmentVariables): WebhooksConfig {
  const user = vars.POSTMARK_WEBHOOK_USER?.trim();
  const password = vars.POSTMARK_WEBHOOK_PASSWORD;
  if (!!user !== !!password) {
    throw new ConfigError(
      user ? 'POSTMARK_WEBHOOK_PASSWORD' : 'POSTMARK_WEBHOOK_USER',
      'must be set together with the other of POSTMARK_WEBHOOK_USER/POSTMARK_WEBHOOK_PASSWORD',
    );
  }
  return {
    sesTopicArns: topicArns(vars.SES_SNS_TOPIC_ARNS),
    sendgridPublicKey: sendgridKey(vars.SENDGRID_WEBHOOK_PUBLIC_KEY),
    mailgunSigningKey: vars.MAILGUN_WEBHOOK_SIGNING_KEY?.trim() || undefined,
    postmark: user && password ? { user, password } : undefined,
  };
}

function topicArns(value: string | undefined): WebhooksConfig['sesTopicArns'] {
  if (!value?.trim()) return undefined;
  if (value.trim() === '*') return 'any';
  const arns = value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = arns.find((a) => !TOPIC_ARN.test(a));
  if (bad !== undefined) {
    throw new ConfigError('SES_SNS_TOPIC_ARNS', `must be SNS topic ARNs separated by commas, or *; got "${bad}"`);
  }
  return arns;
}

/** SendGrid shows the key as base64 DER; a PEM pasted with its armour is taken too. */
function sendgridKey(value: string | undefined): string | undefined {
  const base64 = value
    ?.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '')
    .replace(/\\n|\s/g, '')
    .trim();
  if (!base64) return undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return base64;
  } catch {
    // reported below
  }
  throw new ConfigError('SENDGRID_WEBHOOK_PUBLIC_KEY', 'must be an ECDSA P-256 public key in base64 DER');
}
