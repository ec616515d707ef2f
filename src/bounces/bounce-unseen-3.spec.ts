import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusEntry, corpusFigures, readCorpus } from './corpus-figures';

/**
 * The fourth unseen set (issue 14): real messages from public sources no earlier set drew on (the baunsu npm
 * package, CwsMailBounceHandler, MediaWiki's BounceHandler, Drupal's inmail, SendGrid's go-gmime, mail_manager),
 * labelled before the reader was run on them. It prints the same figures as the corpus spec and asserts only that the
 * set is well formed and shares no file with any other bounce set: the figures are a measurement, not a goal.
 */
const fixtures = join(__dirname, '../../test/fixtures');
const name = 'bounces-unseen-3';
const dir = join(fixtures, name);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];

/** A file's text with line ends made alike, so that a copy saved with CRLF still counts as a copy. */
const contentOf = (path: string) => readFileSync(path).toString('latin1').replace(/\r\n/g, '\n');

/** Every other bounce set of test/fixtures (the corpus and any unseen set still kept apart). */
const otherSets = () =>
  readdirSync(fixtures).filter(
    (d) => d.startsWith('bounces') && d !== name && readdirSync(join(fixtures, d)).includes('manifest.json'),
  );

describe(`the fourth unseen bounce set (test/fixtures/${name})`, () => {
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
      `unseen set 3: ${JSON.stringify(rates)}\nmisread (${misread.length}):\n${misread
        .map((m) => `  ${m.file}: expected ${m.expected}, got ${m.got}`)
        .join('\n')}\nevery file:\n${detail}`,
    );
  });

  it('lists every file of the folder once, none of them in another bounce set (by name or by content)', () => {
    const others = otherSets().flatMap((set) =>
      (JSON.parse(readFileSync(join(fixtures, set, 'manifest.json'), 'utf8')) as CorpusEntry[]).map((e) => ({
        file: e.file,
        text: contentOf(join(fixtures, set, e.file)),
      })),
    );
    const names = new Set(others.map((o) => o.file));
    const contents = new Set(others.map((o) => o.text));
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(otherSets()).toContain('bounces');
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
    expect(manifest.map((e) => e.file).sort()).toEqual(files.sort());
    expect(manifest.filter((e) => names.has(e.file))).toEqual([]);
    expect(manifest.filter((e) => contents.has(contentOf(join(dir, e.file))))).toEqual([]);
  });

  it('measures the figures', () => expect(figures.messages).toBe(manifest.length));
});
