import { classifySmtpAnswer } from '../bounces/classify-status';
import type { BounceReason } from '../bounces/bounce-reasons';

/** What to do after SMTP refused a message. */
export type SmtpOutcome = 'hard-bounce' | 'soft-bounce' | 'blocked' | 'retry';

interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: unknown;
}

/** Commands whose refusal is about the recipient or the message, not about us or the connection. */
const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * A permanent (5xx) answer to RCPT TO or DATA is final, and read like a bounce (classifySmtpAnswer): a hard
 * bounce when it says the address is bad ("550 5.1.1 no such user"), a soft bounce when it says something that
 * passes ("552 5.2.2 mailbox full"), blocked when it refuses the message or its sender, not the address
 * ("550 5.7.1 rejected as spam"). Everything else is retried: 4xx, timeouts, refused or dropped connections,
 * and also a 5xx to MAIL FROM or AUTH, which says our side is misconfigured (the recipient is not at fault;
 * fixing it should let mail flow). 503 (bad sequence of commands) is a session problem, not a refusal, so it is
 * retried too.
 */
export function classifySmtpError(err: unknown): SmtpOutcome {
  return smtpRefusalOf(err)?.outcome ?? 'retry';
}

/** A final refusal and why (see classifySmtpError); null for what is retried. */
export function smtpRefusalOf(err: unknown): { outcome: Exclude<SmtpOutcome, 'retry'>; reason: BounceReason } | null {
  const e = (err ?? {}) as SmtpErrorLike;
  const code = Number(e.responseCode);
  const permanent = code >= 500 && code < 600 && code !== 503;
  if (!permanent || !RECIPIENT_COMMANDS.has(String(e.command))) return null;
  // A "user unknown" given only after DATA came after the server had taken the address (see afterStage).
  const stage = e.command === 'DATA' ? 'data' : 'rcpt';
  const { type, reason } = classifySmtpAnswer(code, typeof e.response === 'string' ? e.response : '', stage);
  const outcome = type === 'hard' ? 'hard-bounce' : type === 'soft' ? 'soft-bounce' : 'blocked';
  return { outcome, reason };
}

/** A short, single-line description of an SMTP failure for the message log. */
export function describeSmtpError(err: unknown): string {
  const e = (err ?? {}) as SmtpErrorLike & { message?: string; response?: unknown };
  // SMTP's answer is a string; an HttpException (a template that cannot be rendered) keeps an object there.
  const parts = [e.code, e.command, typeof e.response === 'string' ? e.response : e.message].filter(Boolean);
  return parts.join(' ').replace(/\s+/g, ' ').slice(0, 1000) || String(err);
}
