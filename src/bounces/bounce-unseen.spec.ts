import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusEntry, corpusFigures, readCorpus } from './corpus-figures';

/**
 * A second unseen set (issue 14): real messages the reader was never tuned on, kept out of its tuning and of the held-out set (test/fixtures/bounces-unseen/).
 * It prints the same figures as the corpus spec and asserts only that the set is well formed: the figures are a
 * measurement, not a goal to tune against.
 */
const dir = join(__dirname, '../../test/fixtures/bounces-unseen');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];

describe('the unseen bounce set (test/fixtures/bounces-unseen)', () => {
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
      `unseen set: ${JSON.stringify(rates)}\nmisread (${misread.length}):\n${misread
        .map((m) => `  ${m.file}: expected ${m.expected}, got ${m.got}`)
        .join('\n')}\nevery file:\n${detail}`,
    );
  });

  it('lists every file once, none of them in the tuning corpus (by name or by content; the former held-out set is part of it now)', () => {
    const others = ['../bounces'].flatMap((d) =>
      (JSON.parse(readFileSync(join(dir, d, 'manifest.json'), 'utf8')) as CorpusEntry[]).map((e) => ({
        file: e.file,
        bytes: readFileSync(join(dir, d, e.file))
          .toString('latin1')
          .replace(/\r\n/g, '\n'),
      })),
    );
    const names = new Set(others.map((o) => o.file));
    const contents = new Set(others.map((o) => o.bytes));
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
    expect(manifest.filter((e) => names.has(e.file))).toEqual([]);
    expect(
      manifest.filter((e) => contents.has(readFileSync(join(dir, e.file)).toString('latin1').replace(/\r\n/g, '\n'))),
    ).toEqual([]);
  });

  it('measures the figures', () => expect(figures.messages).toBe(manifest.length));
});
