import { IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { PASSWORD_TOO_LONG, PasswordFitsBcrypt } from '../users/password-rules';

const PORT_RANGE = 'must be a whole number from 0 to 65535';
const SEND_RATE_RANGE = 'must be a number of messages per second greater than 0';
const SMTP_CONNECTIONS_RANGE = 'must be a whole number of connections from 1 to 100';

/**
 * The environment as the contract describes it. Validated once at boot by loadConfig();
 * nothing outside src/config reads process.env.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  // One message for every check: all of them fail on "abc", and the first reported must make sense.
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: PORT_RANGE })
  @Min(0, { message: PORT_RANGE })
  @Max(65535, { message: PORT_RANGE })
  PORT?: number;

  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'must be an http(s) URL without query or fragment' })
  PUBLIC_URL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[^\r\n]+$/, { message: 'must be one line' })
  MAIL_FROM?: string;

  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'must not be empty' })
  COMPANY_ADDRESS?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  APP_SECRET?: string;

  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'must be at least 10 characters' })
  @PasswordFitsBcrypt({ message: PASSWORD_TOO_LONG })
  ADMIN_PASSWORD?: string;

  @IsOptional()
  @Matches(/^[a-z0-9.-]+\.[a-z]{2,}$/i, { message: 'must be a domain name' })
  DKIM_DOMAIN?: string;

  @IsOptional()
  @Matches(/^[a-z0-9._-]+$/i, { message: 'must be a DNS label' })
  DKIM_SELECTOR?: string;

  @IsOptional()
  @IsString()
  DKIM_PRIVATE_KEY?: string;

  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: SEND_RATE_RANGE })
  @IsPositive({ message: SEND_RATE_RANGE })
  SEND_RATE?: number;

  // Not in the contract: the campaign stream's parallel SMTP connections per process (see README, Delivery).
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: SMTP_CONNECTIONS_RANGE })
  @Min(1, { message: SMTP_CONNECTIONS_RANGE })
  @Max(100, { message: SMTP_CONNECTIONS_RANGE })
  SMTP_CONNECTIONS?: number;

  // Not in the contract, offered beyond it: where ./data lives, the log level, the Bull key prefix.
  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @Matches(/^[a-zA-Z0-9_-]+$/, { message: 'must be letters, digits, _ or -' })
  QUEUE_PREFIX?: string;

  /** Bounces: the domain of the envelope senders (VERP), the listener's port, the mailbox polled (README, Bounces). */
  @IsOptional()
  @Matches(/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i, { message: 'must be a domain name' })
  BOUNCE_DOMAIN?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: PORT_RANGE })
  @Min(0, { message: PORT_RANGE })
  @Max(65535, { message: PORT_RANGE })
  BOUNCE_SMTP_PORT?: number;

  @IsOptional()
  @Matches(/^imaps?:\/\/[^\s/@]+@[^\s/]+(\/\S*)?$/, {
    message: 'must be an imap:// or imaps:// URL with user and password',
  })
  BOUNCE_IMAP_URL?: string;

  /** Media in an S3-compatible bucket instead of DATA_DIR/media: checked in s3-config.ts (README, Media). */
  @IsOptional()
  @IsString()
  S3_URL?: string;

  /** The reverse proxies whose X-Forwarded-For is believed: checked in load-config.ts (trust-proxy.ts). */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  // Provider webhooks for bounces and complaints (README, "Provider webhooks"); checked in webhooks-config.ts.
  @IsOptional()
  @IsString()
  SES_SNS_TOPIC_ARNS?: string;

  @IsOptional()
  @IsString()
  SENDGRID_WEBHOOK_PUBLIC_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  MAILGUN_WEBHOOK_SIGNING_KEY?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[^:\r\n]+$/, { message: 'must be one line without ":"' })
  POSTMARK_WEBHOOK_USER?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  POSTMARK_WEBHOOK_PASSWORD?: string;
}
