import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { isEmail } from 'class-validator';
import addressparser from 'nodemailer/lib/addressparser';
import { AppConfig } from './app-config';
import { ConfigError } from './config-error';
import { EnvironmentVariables } from './env.schema';

/**
 * Campaign SMTP connections per process. Each holds one message at a time (until its answer is recorded); twenty keep a nearby relay busy, and
 * bound what a crash can send twice (README, Delivery).
 */
export const DEFAULT_SMTP_CONNECTIONS = 20;
import { parseTrustProxy } from './trust-proxy';
import { loadWebhooks } from './webhooks-config';
import { parseS3Url } from './s3-config';

type Env = Record<string, string | undefined>;

/**
 * Validates the environment once and turns it into AppConfig.
 * Throws ConfigError (one line naming the variable) on the first problem found.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: false });
  const [first] = validateSync(vars, { skipMissingProperties: false, whitelist: false });
  if (first) {
    const problem = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(first.property, problem.replace(new RegExp(`^${first.property} `), ''));
  }

  const production = vars.NODE_ENV === 'production';
  const port = vars.PORT ?? 3000;
  const dataDir = resolve(vars.DATA_DIR ?? './data');
  const adminEmail = vars.ADMIN_EMAIL?.trim();

  if (production && !vars.COMPANY_ADDRESS)
    throw new ConfigError('COMPANY_ADDRESS', 'is required when NODE_ENV=production');
  if (production && !vars.APP_SECRET) throw new ConfigError('APP_SECRET', 'is required when NODE_ENV=production');
  if (!!adminEmail !== !!vars.ADMIN_PASSWORD) {
    throw new ConfigError(
      adminEmail ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL',
      'must be set together with the other of ADMIN_EMAIL/ADMIN_PASSWORD',
    );
  }
  // The listener takes mail only for VERP addresses: without their domain it would refuse everything.
  if (vars.BOUNCE_SMTP_PORT !== undefined && !vars.BOUNCE_DOMAIN)
    throw new ConfigError('BOUNCE_SMTP_PORT', 'needs BOUNCE_DOMAIN (the listener takes mail for its VERP addresses)');
  if (adminEmail && !isEmail(adminEmail)) throw new ConfigError('ADMIN_EMAIL', 'must be an email address');

  return {
    production,
    port,
    publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir,
    database: vars.DATABASE_URL
      ? { kind: 'postgres', url: vars.DATABASE_URL }
      : { kind: 'sqlite', path: join(dataDir, 'app.sqlite') },
    redis: vars.REDIS_URL ? { kind: 'url', url: vars.REDIS_URL } : { kind: 'private', dir: join(dataDir, 'redis') },
    queuePrefix: vars.QUEUE_PREFIX ?? 'mc',
    smtpUrl: vars.SMTP_URL,
    mailFrom: checkMailFrom(vars.MAIL_FROM ?? 'News <news@localhost>'),
    companyAddress: vars.COMPANY_ADDRESS ?? '',
    appSecret: vars.APP_SECRET ?? readOrCreateSecret(dataDir),
    admin: adminEmail ? { email: adminEmail, password: vars.ADMIN_PASSWORD! } : undefined,
    dkim: loadDkim(vars),
    sendRate: vars.SEND_RATE,
    smtpConnections: vars.SMTP_CONNECTIONS ?? DEFAULT_SMTP_CONNECTIONS,
    bounceDomain: vars.BOUNCE_DOMAIN?.toLowerCase(),
    bounceSmtpPort: vars.BOUNCE_SMTP_PORT,
    bounceImapUrl: vars.BOUNCE_IMAP_URL,
    logLevel: vars.LOG_LEVEL ?? 'info',
    trustProxy: parseTrustProxy(vars.TRUST_PROXY),
    webhooks: loadWebhooks(vars),
    s3: parseS3Url(vars.S3_URL),
  };
}

function checkMailFrom(value: string): string {
  const parsed = addressparser(value, { flatten: true });
  if (parsed.length !== 1 || !isEmail(parsed[0].address, { require_tld: false })) {
    throw new ConfigError('MAIL_FROM', 'must be one address, like "News <news@example.com>"');
  }
  return value;
}

function loadDkim(vars: EnvironmentVariables): AppConfig['dkim'] {
  const given = [vars.DKIM_DOMAIN, vars.DKIM_SELECTOR, vars.DKIM_PRIVATE_KEY].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given < 3) {
    const missing = !vars.DKIM_DOMAIN ? 'DKIM_DOMAIN' : !vars.DKIM_SELECTOR ? 'DKIM_SELECTOR' : 'DKIM_PRIVATE_KEY';
    throw new ConfigError(missing, 'is required when any DKIM_* variable is set');
  }
  let key = vars.DKIM_PRIVATE_KEY!.replace(/\\n/g, '\n');
  if (!key.includes('-----BEGIN')) {
    const path = isAbsolute(key) ? key : resolve(key);
    if (!existsSync(path))
      throw new ConfigError('DKIM_PRIVATE_KEY', `is neither a PEM key nor a readable file (${path})`);
    key = readFileSync(path, 'utf8');
  }
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(key)) {
    throw new ConfigError('DKIM_PRIVATE_KEY', 'does not hold a PEM private key');
  }
  return { domainName: vars.DKIM_DOMAIN!, keySelector: vars.DKIM_SELECTOR!, privateKey: key };
}

/** Outside production the secret is generated once and kept in dataDir/secret (mode 600). */
function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length >= 32) return secret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
