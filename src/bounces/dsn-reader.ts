import type { ClassifiedBounce } from './bounce-reasons';
import { classifyFailure, smtpCodeIn, statusOf } from './classify-status';
import { addressOf, headerFields, NotAReportError, collapseWhitespace, REPORT_LIMITS } from './mime-message';

export interface DsnReading {
  bounces: ClassifiedBounce[];
  /** recipients the report names that are not failures (delivered, relayed, expanded) */
  ignored: number;
}

/**
 * An RFC 3464 delivery-status part: one outcome per recipient block. "failed" (and the non-standard "failure",
 * "error") and "delayed" are read by the status and diagnostic; "delivered", "relayed" and "expanded" are not
 * bounces.
 */
export function readDsn(text: string, messageId: string | undefined): DsnReading {
  const parts = text.split(/\r?\n[ \t]*\r?\n/).filter((block) => block.trim());
  if (parts.length - 1 > REPORT_LIMITS.recipients)
    throw new NotAReportError(`the report names more than ${REPORT_LIMITS.recipients} recipients`);
  const bounces: ClassifiedBounce[] = [];
  let ignored = 0;
  const blocks = parts.map(headerFields);
  // Some MTAs (Boxbe) put the Action in the message's block or leave it out: a status then tells.
  const messageAction = actionOf(blocks[0]);
  for (const fields of blocks) {
    const email = addressOf(fields.get('original-recipient')) ?? addressOf(fields.get('final-recipient'));
    const statusClass = /^\s*([45])/.exec(fields.get('status') ?? '')?.[1];
    const action = actionOf(fields) || messageAction || (statusClass ? 'failed' : '');
    // The block about the message (Reporting-MTA…) names no recipient.
    if (!email || !action) continue;
    if (!['failed', 'failure', 'error', 'delayed'].includes(action)) {
      ignored++;
      continue;
    }
    const diagnostic = collapseWhitespace(fields.get('diagnostic-code') ?? fields.get('x400-supplementary-info') ?? '');
    const statusField = fields.get('status') ?? '';
    const status = statusOf({
      status: statusField,
      code: smtpCodeIn(diagnostic) ?? smtpCodeIn(statusField),
      text: diagnostic,
    });
    const explanation = `${diagnostic} ${statusField.replace(/^[\d.\s]+/, '')}`;
    const { type, reason } = classifyFailure(status, explanation, action === 'delayed');
    bounces.push({
      email,
      type,
      reason,
      ...(status ? { status } : {}),
      ...(diagnostic ? { diagnostic } : {}),
      ...(messageId ? { messageId } : {}),
    });
  }
  return { bounces, ignored };
}

function actionOf(fields: Map<string, string> | undefined): string {
  return (fields?.get('action') ?? '')
    .trim()
    .toLowerCase()
    .split(/[\s(;]/, 1)[0];
}
