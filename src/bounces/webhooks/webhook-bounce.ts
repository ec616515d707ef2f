import { BadRequestException } from '@nestjs/common';
import type { Classification } from '../bounce-reasons';
import { classifyFailure, statusOf } from '../classify-status';
import { collapseWhitespace } from '../mime-message';

/** One bounce or complaint a provider's event names, ready for BouncesService.apply (its source added). */
export interface WebhookBounce extends Classification {
  email: string;
  /** the Message-ID we sent, when the provider echoes it */
  messageId?: string;
  detail: string;
  /**
   * A failure the provider may report again for the same message (a retry's attempt, a delay): the provider's
   * own id of that message, so that only the first report of each counts.
   */
  attemptOf?: string;
}

/** What the provider's own fields say: is the failure final, and what to fall back on when the text says nothing. */
export interface ProviderVerdict {
  permanent: boolean;
  fallback: Classification;
}

/** What the remote server answered, as far as the provider passes it on. */
export interface SmtpDiagnostic {
  /** the SMTP reply code (550) */
  code?: number | null;
  /** the RFC 3463 status (5.1.1) */
  status?: string | null;
  text?: string | null;
}

/**
 * The provider's verdict checked against our classifier's reading of the diagnostic. A diagnostic the rules
 * recognise decides ("552 5.2.2 mailbox full" is soft even when the provider calls it permanent), except that
 * a failure the provider still calls temporary is never made hard: our reading may suppress nobody the
 * provider itself keeps trying. A diagnostic that says nothing known leaves the provider's fallback.
 */
export function classifyProviderFailure(verdict: ProviderVerdict, diagnostic: SmtpDiagnostic): Classification {
  const text = (diagnostic.text ?? '').slice(0, 2000);
  const status = statusOf({ code: diagnostic.code, status: diagnostic.status, text });
  if (!text && !status) return verdict.fallback;
  const read = classifyFailure(status, text);
  if (read.reason === 'other') return verdict.fallback;
  if (!verdict.permanent && read.type === 'hard') return verdict.fallback;
  return read;
}

/** A provider's body that is not what it documents: a 400 naming what is wrong. */
export class MalformedWebhook extends BadRequestException {
  constructor(what: string) {
    super(`body: ${what}`);
  }
}

/** An object, or a 400 naming the field. */
export function objectAt(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new MalformedWebhook(`${name} must be an object`);
  return value as Record<string, unknown>;
}

/** A string field, or undefined when absent; a 400 when it is something else. */
export function stringAt(obj: Record<string, unknown>, key: string, name = key): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedWebhook(`${name} must be a string`);
  return value;
}

/** A required string field. */
export function requiredString(obj: Record<string, unknown>, key: string, name = key): string {
  const value = stringAt(obj, key, name);
  if (!value) throw new MalformedWebhook(`${name} is required`);
  return value;
}

const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/;

/** A recipient address, or a 400: every bounce must name who it is about. */
export function emailAt(obj: Record<string, unknown>, key: string, name = key): string {
  const value = requiredString(obj, key, name).trim();
  const bare = /<([^<>]+)>\s*$/.exec(value)?.[1] ?? value;
  if (!EMAIL.test(bare)) throw new MalformedWebhook(`${name} must be an email address`);
  return bare;
}

/** One line of detail for the message log, without runaway length. */
export function detailOf(...parts: Array<string | number | null | undefined>): string {
  return collapseWhitespace(parts.filter((p) => p !== undefined && p !== null && p !== '').join('; '));
}
