import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MailTransportService } from '../delivery/mail-transport.service';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const SECRET = 's'.repeat(32);
const PEM = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

/** The one-line message loadConfig stops the boot with, or a failure when it accepts the environment. */
function problemWith(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'mc-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('defaults of the contract', () => {
    it('listens on 3000 and puts http://localhost:3000 in links', () => {
      const config = loadConfig({ APP_SECRET: SECRET });
      expect(config.port).toBe(3000);
      expect(config.publicUrl).toBe('http://localhost:3000');
    });

    it('derives PUBLIC_URL from PORT, and drops a trailing slash from a given one', () => {
      expect(loadConfig({ APP_SECRET: SECRET, PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
      expect(loadConfig({ APP_SECRET: SECRET, PUBLIC_URL: 'https://news.example.com/' }).publicUrl).toBe(
        'https://news.example.com',
      );
    });

    it('keeps everything under ./data: SQLite at ./data/app.sqlite and a private redis under ./data/redis', () => {
      const config = loadConfig({ APP_SECRET: SECRET });
      expect(config.dataDir).toBe(resolve('data'));
      expect(config.database).toEqual({ kind: 'sqlite', path: resolve('data/app.sqlite') });
      expect(config.redis).toEqual({ kind: 'private', dir: resolve('data/redis') });
    });

    it('writes mail to the outbox (no SMTP_URL), from News <news@localhost>, unsigned, unlimited', () => {
      const config = loadConfig({ APP_SECRET: SECRET, DATA_DIR: dataDir });
      expect(config.smtpUrl).toBeUndefined();
      expect(config.mailFrom).toBe('News <news@localhost>');
      expect(config.dkim).toBeUndefined();
      expect(config.sendRate).toBeUndefined();
      expect(config.admin).toBeUndefined();
      expect(config.production).toBe(false);
      expect(config.trustProxy).toEqual([]);
    });

    it('takes TRUST_PROXY as a list of addresses, ranges and named ranges', () => {
      const config = loadConfig({
        APP_SECRET: SECRET,
        DATA_DIR: dataDir,
        TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8 ,fd00::/8, loopback ',
      });
      expect(config.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'loopback']);
    });

    it('without SMTP_URL every message is written as an .eml file under DATA_DIR/outbox', async () => {
      const transport = new MailTransportService(loadConfig({ APP_SECRET: SECRET, DATA_DIR: dataDir }));
      await transport.send({ to: 'reader@example.com', subject: 'Hello', text: 'Hi' });
      transport.close();
      const files = readdirSync(join(dataDir, 'outbox'));
      expect(files).toEqual([expect.stringMatching(/\.eml$/)]);
      const eml = readFileSync(join(dataDir, 'outbox', files[0]), 'utf8');
      expect(eml).toMatch(/^From: News <news@localhost>\r?$/m);
      expect(eml).toMatch(/^Subject: Hello\r?$/m);
    });

    it('generates APP_SECRET once into DATA_DIR/secret (mode 600) and reuses it', () => {
      const first = loadConfig({ DATA_DIR: dataDir });
      expect(first.appSecret.length).toBeGreaterThanOrEqual(32);
      const file = join(dataDir, 'secret');
      expect(readFileSync(file, 'utf8').trim()).toBe(first.appSecret);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadConfig({ DATA_DIR: dataDir }).appSecret).toBe(first.appSecret);
    });

    it('prefers APP_SECRET when given and writes no file', () => {
      expect(loadConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET }).appSecret).toBe(SECRET);
      expect(() => statSync(join(dataDir, 'secret'))).toThrow();
    });

    it('treats an empty variable as unset', () => {
      const config = loadConfig({ DATA_DIR: dataDir, APP_SECRET: SECRET, PORT: '', REDIS_URL: '', DATABASE_URL: '' });
      expect(config.port).toBe(3000);
      expect(config.redis.kind).toBe('private');
      expect(config.database.kind).toBe('sqlite');
    });
  });

  describe('given values', () => {
    it('takes PostgreSQL, Redis, SMTP, the admin, the rate and production settings', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        COMPANY_ADDRESS: '1 Shop Street, Town',
        APP_SECRET: SECRET,
        DATABASE_URL: 'postgres://u:p@db:5432/mail',
        REDIS_URL: 'redis://cache:6379/2',
        SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
        MAIL_FROM: '"Shop News" <news@shop.example>',
        ADMIN_EMAIL: ' Boss@Shop.Example ',
        ADMIN_PASSWORD: 'long enough password',
        SEND_RATE: '12.5',
        SMTP_CONNECTIONS: '4',
      });
      expect(config.production).toBe(true);
      expect(config.companyAddress).toBe('1 Shop Street, Town');
      expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/mail' });
      expect(config.redis).toEqual({ kind: 'url', url: 'redis://cache:6379/2' });
      expect(config.smtpUrl).toBe('smtps://user:pass@smtp.example.com:465');
      expect(config.mailFrom).toBe('"Shop News" <news@shop.example>');
      expect(config.admin).toEqual({ email: 'Boss@Shop.Example', password: 'long enough password' });
      expect(config.sendRate).toBe(12.5);
      expect(config.smtpConnections).toBe(4);
    });

    it('takes the bounce settings together (README, Bounces)', () => {
      const config = loadConfig({
        APP_SECRET: SECRET,
        DATA_DIR: dataDir,
        BOUNCE_DOMAIN: 'Bounces.Example.com',
        BOUNCE_SMTP_PORT: '2525',
        BOUNCE_IMAP_URL: 'imaps://box%40example.com:p%40ss@imap.example.com/INBOX',
      });
      expect(config).toMatchObject({
        bounceDomain: 'bounces.example.com',
        bounceSmtpPort: 2525,
        bounceImapUrl: 'imaps://box%40example.com:p%40ss@imap.example.com/INBOX',
      });
      expect(loadConfig({ APP_SECRET: SECRET, DATA_DIR: dataDir }).bounceDomain).toBeUndefined();
    });

    it('reads a DKIM key given as PEM (with \\n escapes) or as a file path', () => {
      const dkim = { domainName: 'shop.example', keySelector: 'mail', privateKey: PEM };
      const inline = loadConfig({
        APP_SECRET: SECRET,
        DKIM_DOMAIN: 'shop.example',
        DKIM_SELECTOR: 'mail',
        DKIM_PRIVATE_KEY: PEM.replace(/\n/g, '\\n'),
      });
      expect(inline.dkim).toEqual(dkim);
      const file = join(dataDir, 'dkim.pem');
      writeFileSync(file, PEM);
      expect(
        loadConfig({ APP_SECRET: SECRET, DKIM_DOMAIN: 'shop.example', DKIM_SELECTOR: 'mail', DKIM_PRIVATE_KEY: file })
          .dkim,
      ).toEqual(dkim);
    });
  });

  describe('bad values stop the boot with one line naming the variable', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['PORT=abc', { PORT: 'abc' }, 'PORT'],
      ['PORT out of range', { PORT: '70000' }, 'PORT'],
      ['DATABASE_URL=mysql://…', { DATABASE_URL: 'mysql://root@localhost/mail' }, 'DATABASE_URL'],
      ['REDIS_URL=http://…', { REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
      ['SMTP_URL=http://…', { SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
      ['PUBLIC_URL with a query', { PUBLIC_URL: 'https://x.example/?a=1' }, 'PUBLIC_URL'],
      ['MAIL_FROM with two addresses', { MAIL_FROM: 'a@example.com, b@example.com' }, 'MAIL_FROM'],
      ['MAIL_FROM without an address', { MAIL_FROM: 'News' }, 'MAIL_FROM'],
      ['BOUNCE_DOMAIN not a domain', { BOUNCE_DOMAIN: 'bounces@example.com' }, 'BOUNCE_DOMAIN'],
      [
        'BOUNCE_SMTP_PORT out of range',
        { BOUNCE_DOMAIN: 'b.example.com', BOUNCE_SMTP_PORT: '99999' },
        'BOUNCE_SMTP_PORT',
      ],
      ['BOUNCE_SMTP_PORT without BOUNCE_DOMAIN', { BOUNCE_SMTP_PORT: '2525' }, 'BOUNCE_SMTP_PORT'],
      ['BOUNCE_IMAP_URL=https://…', { BOUNCE_IMAP_URL: 'https://mail.example.com/INBOX' }, 'BOUNCE_IMAP_URL'],
      ['BOUNCE_IMAP_URL without a user', { BOUNCE_IMAP_URL: 'imaps://mail.example.com/INBOX' }, 'BOUNCE_IMAP_URL'],
      ['ADMIN_EMAIL without ADMIN_PASSWORD', { ADMIN_EMAIL: 'boss@example.com' }, 'ADMIN_PASSWORD'],
      ['ADMIN_PASSWORD without ADMIN_EMAIL', { ADMIN_PASSWORD: 'long enough password' }, 'ADMIN_EMAIL'],
      [
        'ADMIN_PASSWORD longer than bcrypt reads',
        { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'ü'.repeat(40) },
        'ADMIN_PASSWORD',
      ],
      ['ADMIN_EMAIL not an address', { ADMIN_EMAIL: 'boss', ADMIN_PASSWORD: 'long enough password' }, 'ADMIN_EMAIL'],
      ['DKIM partial: no selector', { DKIM_DOMAIN: 'shop.example', DKIM_PRIVATE_KEY: PEM }, 'DKIM_SELECTOR'],
      ['DKIM partial: no key', { DKIM_DOMAIN: 'shop.example', DKIM_SELECTOR: 'mail' }, 'DKIM_PRIVATE_KEY'],
      [
        'DKIM key neither PEM nor file',
        { DKIM_DOMAIN: 'shop.example', DKIM_SELECTOR: 'mail', DKIM_PRIVATE_KEY: 'no-such-key.pem' },
        'DKIM_PRIVATE_KEY',
      ],
      ['NODE_ENV=production without COMPANY_ADDRESS', { NODE_ENV: 'production' }, 'COMPANY_ADDRESS'],
      [
        'NODE_ENV=production without APP_SECRET',
        { NODE_ENV: 'production', COMPANY_ADDRESS: '1 Shop Street' },
        'APP_SECRET',
      ],
      ['APP_SECRET too short', { APP_SECRET: 'short' }, 'APP_SECRET'],
      ['SEND_RATE=-1', { SEND_RATE: '-1' }, 'SEND_RATE'],
      ['SEND_RATE=fast', { SEND_RATE: 'fast' }, 'SEND_RATE'],
      ['SMTP_CONNECTIONS=0', { SMTP_CONNECTIONS: '0' }, 'SMTP_CONNECTIONS'],
      ['SMTP_CONNECTIONS=2.5', { SMTP_CONNECTIONS: '2.5' }, 'SMTP_CONNECTIONS'],
      ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      ['TRUST_PROXY with a host name', { TRUST_PROXY: 'proxy.internal' }, 'TRUST_PROXY'],
      ['TRUST_PROXY with a bad range', { TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY'],
    ];
    it.each(cases)('%s', (_name, env, variable) => {
      const message = problemWith({ DATA_DIR: dataDir, ...env });
      expect(message).not.toContain('\n');
      expect(message).toMatch(new RegExp(`^Configuration error: ${variable} \\S`));
    });

    it('says what is wrong, in words a person can act on', () => {
      expect(problemWith({ PORT: 'abc' })).toBe('Configuration error: PORT must be a whole number from 0 to 65535');
      expect(problemWith({ SEND_RATE: '-1' })).toBe(
        'Configuration error: SEND_RATE must be a number of messages per second greater than 0',
      );
      expect(problemWith({ DATABASE_URL: 'mysql://x' })).toBe(
        'Configuration error: DATABASE_URL must be a postgres:// URL',
      );
      expect(problemWith({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'ü'.repeat(40) })).toBe(
        'Configuration error: ADMIN_PASSWORD must be at most 72 bytes in UTF-8 (bcrypt reads no more)',
      );
    });

    it('a file that holds no PEM key names DKIM_PRIVATE_KEY', () => {
      const file = join(dataDir, 'not-a-key.txt');
      writeFileSync(file, 'hello');
      const message = problemWith({
        APP_SECRET: SECRET,
        DKIM_DOMAIN: 'shop.example',
        DKIM_SELECTOR: 'mail',
        DKIM_PRIVATE_KEY: file,
      });
      expect(message).toBe('Configuration error: DKIM_PRIVATE_KEY does not hold a PEM private key');
    });
  });
});
