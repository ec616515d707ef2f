import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusEntry, corpusFigures, readCorpus } from './corpus-figures';

/**
 * The third unseen set (issue 14): real messages from other public sources than the corpus (PHP Bounce Handler,
 * flanker, the Ruby mail gem, bounce_email, Discourse, Sisimai files not used before), labelled before the reader
 * was run on them. It prints the same figures as the corpus spec and asserts only that the set is well formed and
 * disjoint from the corpus: the figures are a measurement, not a goal to tune against.
 */
const fixtures = join(__dirname, '../../test/fixtures');
const dir = join(fixtures, 'bounces-unseen-2');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];

/** A file's text with line ends made alike, so that a copy saved with CRLF still counts as a copy. */
const contentOf = (path: string) => readFileSync(path).toString('latin1').replace(/\r\n/g, '\n');

describe('the third unseen bounce set (test/fixtures/bounces-unseen-2)', () => {
  let figures: ReturnType<typeof corpusFigures>;

  beforeAll(async () => {
    const { read } = await readCorpus(dir);
    figures = corpusFigures(read);
    const { misread, ...rates } = figures;
    const detail = read
      .map(({ entry, results }) => {
        const got = results.map((r) => `${r.email}:${r.type}/${r.reason}${r.status ? `(${r.status})` : ''}`).join(', ');
        return `  ${entry.file} [${entry.mta}] expected ${entry.expected}/${entry.reason}: ${got || 'nothing'}`;
      })
      .join('\n');
    console.log(
      `unseen set 2: ${JSON.stringify(rates)}\nmisread (${misread.length}):\n${misread
        .map((m) => `  ${m.file}: expected ${m.expected}, got ${m.got}`)
        .join('\n')}\nevery file:\n${detail}`,
    );
  });

  it('lists every file of the folder once, none of them in the tuning corpus (by name or by content)', () => {
    const corpus = (JSON.parse(readFileSync(join(fixtures, 'bounces/manifest.json'), 'utf8')) as CorpusEntry[]).map(
      (e) => ({ file: e.file, text: contentOf(join(fixtures, 'bounces', e.file)) }),
    );
    const names = new Set(corpus.map((o) => o.file));
    const contents = new Set(corpus.map((o) => o.text));
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
    expect(manifest.filter((e) => names.has(e.file))).toEqual([]);
    expect(manifest.filter((e) => contents.has(contentOf(join(dir, e.file))))).toEqual([]);
  });

  it('measures the figures', () => expect(figures.messages).toBe(manifest.length));
});
