import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusEntry, corpusFigures, readCorpus } from './corpus-figures';

const dir = join(__dirname, '../../test/fixtures/bounces');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];

describe('the bounce corpus (test/fixtures/bounces)', () => {
  let figures: ReturnType<typeof corpusFigures>;

  beforeAll(async () => {
    const { read } = await readCorpus(dir);
    figures = corpusFigures(read);
    const { misread, ...rates } = figures;
    console.log(
      `bounce corpus: ${JSON.stringify(rates)}\nmisread (${misread.length}):\n${misread
        .map((m) => `  ${m.file}: expected ${m.expected}, got ${m.got}`)
        .join('\n')}`,
    );
  });

  it('holds at least 170 real messages from at least 15 MTAs, every file listed once', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(170);
    expect(new Set(manifest.map((e) => e.mta.split(' (')[0])).size).toBeGreaterThanOrEqual(15);
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
  });

  it('recognises at least 95 % of the bounces', () => expect(figures.recognised).toBeGreaterThanOrEqual(95));
  it('calls at least 95 % of the hard bounces hard', () => expect(figures.hardRecall).toBeGreaterThanOrEqual(95));
  it('calls at most 5 % of the soft and blocked bounces hard', () =>
    expect(figures.notPermanentCalledHard).toBeLessThanOrEqual(5));
  it('reads every ARF complaint that names its recipient as a complaint', () =>
    expect(figures.complaintsRead).toBe(100));
  it('lets no auto-reply or notice suppress anyone', () => expect(figures.autoRepliesSuppressing).toBe(0));
});
