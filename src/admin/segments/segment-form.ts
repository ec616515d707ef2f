import { BadRequestException } from '@nestjs/common';
import type { SegmentView } from '../../segments/segments.service';

/** The builder form's fields as posted: the rules as the JSON the page script writes. */
export interface SegmentFormValues {
  name: string;
  match: 'all' | 'any';
  rules: string;
}

export function segmentFormOf(s: SegmentView): SegmentFormValues {
  return { name: s.name, match: s.match, rules: JSON.stringify(s.rules) };
}

/** A 400 from the rules' check, as one line per wrong rule ("rules[2]: …" becomes "Rule 3: …"). */
export function ruleMessages(e: BadRequestException): string {
  const body = e.getResponse() as { message?: string | string[] };
  const messages = ([] as string[]).concat(body.message ?? e.message);
  return messages.map((m) => m.replace(/^rules\[(\d+)\]/, (_, i: string) => `Rule ${Number(i) + 1}`)).join('; ');
}
