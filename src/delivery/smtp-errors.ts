/** What to do after SMTP refused a message. */
export type SmtpOutcome = 'hard-bounce' | 'retry';

interface SmtpErrorLike {
  code?: string;
  responseCode?: number;
  command?: string;
}

/** Commands whose refusal is about the recipient or the message, not about us or the connection. */
const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * A permanent (5xx) answer to RCPT TO or DATA is a hard bounce: sending again would get the same answer.
 * Everything else is retried: 4xx, timeouts, refused or dropped connections, and also a 5xx to MAIL FROM
 * or AUTH, which says our side is misconfigured (the recipient is not at fault; fixing it should let mail flow).
 * 503 (bad sequence of commands) is a session problem, not a refusal, so it is retried too.
 */
export function classifySmtpError(err: unknown): SmtpOutcome {
  const e = (err ?? {}) as SmtpErrorLike;
  const code = Number(e.responseCode);
  const permanent = code >= 500 && code < 600 && code !== 503;
  return permanent && RECIPIENT_COMMANDS.has(String(e.command)) ? 'hard-bounce' : 'retry';
}

/** A short, single-line description of an SMTP failure for the message log. */
export function describeSmtpError(err: unknown): string {
  const e = (err ?? {}) as SmtpErrorLike & { message?: string; response?: unknown };
  // SMTP's answer is a string; an HttpException (a template that cannot be rendered) keeps an object there.
  const parts = [e.code, e.command, typeof e.response === 'string' ? e.response : e.message].filter(Boolean);
  return parts.join(' ').replace(/\s+/g, ' ').slice(0, 1000) || String(err);
}
