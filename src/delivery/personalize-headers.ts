import { encodeWord } from 'nodemailer/lib/mime-funcs';
import { headerLine } from '../common/header-line';

/**
 * The headers campaign mail carries besides those every message has (MailSender sets those):
 * - `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058 one-click; DKIM covers both);
 * - `List-Id` (RFC 2919): the first list's name and `<list-id>.lists.<domain of From>`;
 * - `Feedback-ID` (Gmail's feedback loop): `<campaignId>:campaign:mailcourier`.
 * Nothing typed by a person reaches them with a line break or a control character.
 */
export interface CampaignHeaderInput {
  campaignId: string;
  unsubscribeUrl: string;
  list: { id: string; name: string };
  /** the From address the message goes out with */
  fromAddress: string;
}

export const FEEDBACK_SENDER_ID = 'mailcourier';

export function campaignHeaders(input: CampaignHeaderInput): Record<string, string> {
  return {
    'List-Unsubscribe': `<${headerLine(input.unsubscribeUrl)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': listId(input.list, domainOf(input.fromAddress)),
    'Feedback-ID': `${atom(input.campaignId)}:campaign:${FEEDBACK_SENDER_ID}`,
  };
}

export function listId(list: { id: string; name: string }, domain: string): string {
  const name = headerLine(list.name);
  // Words of plain atext stay as they are; anything else is one RFC 2047 encoded word, which nodemailer
  // passes through (it would encode a quoted phrase whole, angle brackets included).
  const phrase = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/.test(name) ? name : encodeWord(name, 'Q', 52);
  return `${phrase} <${atom(list.id)}.lists.${domain}>`.trim();
}

/** The domain of an address (`Name <a@b.example>` or `a@b.example`), reduced to what a dot-atom allows. */
export function domainOf(address: string): string {
  const bare = /<([^>]*)>/.exec(address)?.[1] ?? address;
  const domain = bare
    .slice(bare.lastIndexOf('@') + 1)
    .replace(/[^A-Za-z0-9.-]/g, '')
    .replace(/^\.+|\.+$/g, '');
  return domain || 'localhost';
}

function atom(value: string): string {
  return value.replace(/[^A-Za-z0-9-]/g, '');
}
