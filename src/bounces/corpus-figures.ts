import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassifiedBounce } from './bounce-reasons';
import { readBounce } from './read-bounce';

/** One message of the bounce corpus (test/fixtures/bounces/manifest.json). */
export interface CorpusEntry {
  file: string;
  source: string;
  license: string;
  mta: string;
  expected: 'hard' | 'soft' | 'blocked' | 'complaint' | 'none';
  reason: string;
  recipient?: string;
}

export interface CorpusFigures {
  messages: number;
  bounces: number;
  /** % of bounces read with a result for the expected recipient, or one of the expected type */
  recognised: number;
  /** % of hard bounces called hard */
  hardRecall: number;
  /** % of soft and blocked bounces called hard (they would suppress readers who are fine) */
  notPermanentCalledHard: number;
  /** % of complaints that name their recipient called complaints */
  complaintsRead: number;
  /** complaints whose report and copy name no recipient at all: nobody can be suppressed for them */
  complaintsNamingNobody: number;
  /** % of bounces whose reason (user-unknown, mailbox-full…) is the expected one */
  reasonsAgree: number;
  /** messages that are no bounce (auto-replies, notices) yet gave a hard bounce or complaint */
  autoRepliesSuppressing: number;
  misread: Array<{ file: string; expected: string; got: string }>;
}

/**
 * The goals of issue 14 measured on the corpus: what each message was called is the type of its result for the
 * expected recipient, or else of its first result; a message with no result was called "none".
 */
export function corpusFigures(entries: Array<{ entry: CorpusEntry; results: ClassifiedBounce[] }>): CorpusFigures {
  const calledOf = ({ entry, results }: { entry: CorpusEntry; results: ClassifiedBounce[] }) => {
    const rcpt = entry.recipient?.toLowerCase();
    const own = rcpt ? results.find((r) => r.email.toLowerCase() === rcpt) : undefined;
    return { own, called: (own ?? results[0])?.type ?? 'none' };
  };
  const pct = (n: number, of: number) => (of ? Math.round((1000 * n) / of) / 10 : 100);
  const bounces = entries.filter((e) => e.entry.expected !== 'none');
  const count = (list: typeof entries, test: (e: (typeof entries)[number]) => boolean) => list.filter(test).length;
  const ofType = (...types: string[]) => bounces.filter((e) => types.includes(e.entry.expected));
  // A complaint is expected to name its reader (manifest `recipient`); one whose copy is redacted to "undisclosed"
  // cannot be read as anyone's, and is counted apart rather than as a miss or a success.
  const named = ofType('complaint').filter((e) => !!e.entry.recipient);
  const recognised = count(bounces, (e) => !!calledOf(e).own || e.results.some((r) => r.type === e.entry.expected));
  return {
    messages: entries.length,
    bounces: bounces.length,
    recognised: pct(recognised, bounces.length),
    hardRecall: pct(
      count(ofType('hard'), (e) => calledOf(e).called === 'hard'),
      ofType('hard').length,
    ),
    notPermanentCalledHard: pct(
      count(ofType('soft', 'blocked'), (e) => calledOf(e).called === 'hard'),
      ofType('soft', 'blocked').length,
    ),
    complaintsRead: pct(
      count(named, (e) => calledOf(e).called === 'complaint'),
      named.length,
    ),
    complaintsNamingNobody: ofType('complaint').length - named.length,
    reasonsAgree: pct(
      count(bounces, (e) => (calledOf(e).own ?? e.results[0])?.reason === e.entry.reason),
      bounces.length,
    ),
    autoRepliesSuppressing: count(
      entries.filter((e) => e.entry.expected === 'none'),
      (e) => e.results.some((r) => r.type === 'hard' || r.type === 'complaint'),
    ),
    misread: entries
      .map((e) => ({ file: e.entry.file, expected: e.entry.expected, got: calledOf(e).called }))
      .filter((m) => m.expected !== m.got),
  };
}

/**
 * Every message of a corpus folder (listed in its manifest.json), read by the bounce reader: what corpusFigures
 * measures. A message the reader refuses (NotAReportError) counts as read with no result.
 */
export async function readCorpus(
  dir: string,
): Promise<{ manifest: CorpusEntry[]; read: Array<{ entry: CorpusEntry; results: ClassifiedBounce[] }> }> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];
  const read = [];
  for (const entry of manifest) {
    const results = await readBounce(readFileSync(join(dir, entry.file))).then(
      (r) => r.bounces,
      () => [],
    );
    read.push({ entry, results });
  }
  return { manifest, read };
}
