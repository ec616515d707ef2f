import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusEntry, corpusFigures } from './corpus-figures';
import { readBounce } from './read-bounce';

/**
 * A held-out check (issue 14): real messages the reader was never tuned on (test/fixtures/bounces-holdout/).
 * It prints the same figures as the corpus spec and asserts only that the set is well formed: the figures are a
 * measurement, not a goal to tune against.
 */
const dir = join(__dirname, '../../test/fixtures/bounces-holdout');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];

describe('the held-out bounce set (test/fixtures/bounces-holdout)', () => {
  let figures: ReturnType<typeof corpusFigures>;

  beforeAll(async () => {
    const read = [];
    for (const entry of manifest) {
      const results = await readBounce(readFileSync(join(dir, entry.file))).then(
        (r) => r.bounces,
        () => [],
      );
      read.push({ entry, results });
    }
    figures = corpusFigures(read);
    const { misread, ...rates } = figures;
    const detail = read
      .map(({ entry, results }) => {
        const got = results.map((r) => `${r.email}:${r.type}/${r.reason}${r.status ? `(${r.status})` : ''}`).join(', ');
        return `  ${entry.file} [${entry.mta}] expected ${entry.expected}/${entry.reason}: ${got || 'nothing'}`;
      })
      .join('\n');
    console.log(
      `held-out set: ${JSON.stringify(rates)}\nmisread (${misread.length}):\n${misread
        .map((m) => `  ${m.file}: expected ${m.expected}, got ${m.got}`)
        .join('\n')}\nevery file:\n${detail}`,
    );
  });

  it('lists every file once, none of them in the tuning corpus', () => {
    const tuned = new Set(
      (JSON.parse(readFileSync(join(dir, '../bounces/manifest.json'), 'utf8')) as CorpusEntry[]).map((e) => e.file),
    );
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
    expect(manifest.filter((e) => tuned.has(e.file))).toEqual([]);
  });

  it('measures the figures', () => expect(figures.messages).toBe(manifest.length));
});
