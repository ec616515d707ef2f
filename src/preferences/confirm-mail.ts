import { escapeHtml } from './pages/html';

/**
 * The subscription-confirm mail, as plain text and simple inline-styled HTML.
 * Kept in this one file so the MJML template can replace it without touching the processor.
 */
export interface ConfirmMailInput {
  /** the subscriber's name, may be empty */
  name: string;
  listNames: string[];
  confirmUrl: string;
  validDays: number;
}

export interface ConfirmMail {
  subject: string;
  text: string;
  html: string;
}

export function buildConfirmMail({ name, listNames, confirmUrl, validDays }: ConfirmMailInput): ConfirmMail {
  const greeting = name.trim() ? `Hello ${name.trim()},` : 'Hello,';
  const text = [
    greeting,
    '',
    'Please confirm that you want to receive mail from:',
    ...listNames.map((l) => `  - ${l}`),
    '',
    'Confirm your subscription:',
    confirmUrl,
    '',
    `The link is valid for ${validDays} days. If you did not ask for this, ignore this message: you will not be subscribed.`,
    '',
  ].join('\n');

  const url = escapeHtml(confirmUrl);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Please confirm your subscription</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:32px 12px;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;color:#1f2933;font-size:16px;line-height:1.5;">
<tr><td style="padding:32px;">
<p style="margin:0 0 16px;">${escapeHtml(greeting)}</p>
<p style="margin:0 0 8px;">Please confirm that you want to receive mail from:</p>
<ul style="margin:0 0 24px;padding-left:20px;">${listNames.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>
<p style="margin:0 0 24px;"><a href="${url}" style="display:inline-block;background:#2563eb;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;">Confirm my subscription</a></p>
<p style="margin:0 0 8px;font-size:13px;color:#616e7c;">Or copy this link into your browser:<br><a href="${url}" style="color:#2563eb;word-break:break-all;">${url}</a></p>
<p style="margin:16px 0 0;font-size:13px;color:#616e7c;">The link is valid for ${validDays} days. If you did not ask for this, ignore this message: you will not be subscribed.</p>
</td></tr>
</table>
</td></tr>
</table>
</body></html>
`;
  return { subject: 'Please confirm your subscription', text, html };
}
