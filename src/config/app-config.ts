import type { S3Config } from './s3-config';

/** The validated configuration every part of the service receives (inject AppConfig). */
export type DatabaseConfig = { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };

export type RedisConfig = { kind: 'url'; url: string } | { kind: 'private'; dir: string };

export interface DkimConfig {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** The provider webhooks that are enabled (README, "Provider webhooks"); an absent one answers 404. */
export interface WebhooksConfig {
  /** SNS topics whose SES notifications are taken; `'any'`: every topic (the signature still checked) */
  sesTopicArns?: string[] | 'any';
  /** the ECDSA P-256 public key of SendGrid's signed event webhook, base64 DER (SPKI) */
  sendgridPublicKey?: string;
  mailgunSigningKey?: string;
  postmark?: { user: string; password: string };
}

export abstract class AppConfig {
  abstract readonly production: boolean;
  abstract readonly port: number;
  abstract readonly publicUrl: string;
  abstract readonly dataDir: string;
  abstract readonly database: DatabaseConfig;
  abstract readonly redis: RedisConfig;
  abstract readonly queuePrefix: string;
  /** undefined: write every message as .eml under dataDir/outbox */
  abstract readonly smtpUrl?: string;
  abstract readonly mailFrom: string;
  abstract readonly companyAddress: string;
  abstract readonly appSecret: string;
  abstract readonly admin?: { email: string; password: string };
  abstract readonly dkim?: DkimConfig;
  /** messages per second across all workers; undefined is unlimited */
  abstract readonly sendRate?: number;
  /** the campaign stream's SMTP connections in each process: also the most campaign mail SMTP holds unrecorded */
  abstract readonly smtpConnections: number;
  /** Bounces (README, Bounces): envelope senders are VERP addresses of this domain when it is set */
  abstract readonly bounceDomain?: string;
  /** the bounce SMTP listener's port in this process; undefined: no listener */
  abstract readonly bounceSmtpPort?: number;
  /** the mailbox polled for bounces (imap:// or imaps://user:pass@host/folder); undefined: none */
  abstract readonly bounceImapUrl?: string;
  abstract readonly logLevel: string;
  /**
   * The proxies (addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`) whose X-Forwarded-For is
   * believed; empty: none, the client's address is the connection's.
   */
  abstract readonly trustProxy: string[];
  abstract readonly webhooks: WebhooksConfig;
  /** media in an S3-compatible bucket; undefined: files under dataDir/media */
  abstract readonly s3?: S3Config;
}
