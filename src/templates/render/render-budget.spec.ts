import { TemplateDataError } from '../template-errors';
import { compileTemplate, createHandlebars } from './handlebars-env';
import { RENDER_LIMITS, RenderLimitError, RenderLimits, withRenderBudget } from './render-budget';

const hb = createHandlebars();
// The time limit is a minute unless a test sets it: on a busy machine the 1 s default could stop a render first.
const fill = (source: string, data: object, limits?: Partial<RenderLimits>, escape = true): string => {
  const fn = compileTemplate(hb, source, escape);
  return limits ? withRenderBudget(() => fn(data), { ...RENDER_LIMITS, ms: 60_000, ...limits }) : fn(data);
};
const list = (n: number) => Array.from({ length: n }, (_, i) => i);
const failure = (run: () => unknown): RenderLimitError => {
  try {
    run();
  } catch (e) {
    if (e instanceof RenderLimitError) return e;
    throw e;
  }
  throw new Error('rendered without hitting a limit');
};

describe('render budget', () => {
  it('leaves ordinary templates alone: loops, sections, helpers, values', () => {
    const out = fill(
      '{{#each items}}[{{name}}]{{/each}} {{#tags}}#{{this}} {{/tags}}{{#with who}}{{name}}{{/with}}{{#if ok}}!{{/if}} {{money 12.5 "EUR"}}',
      { items: [{ name: 'a' }, { name: 'b' }], tags: ['x', 'y'], who: { name: 'Ada' }, ok: true },
    );
    expect(out).toBe('[a][b] #x #y Ada! €12.50');
  });

  it('stops nested {{#each}} loops at the step limit with an error naming it', () => {
    const a = list(1000);
    const e = failure(() => fill('{{#each a}}{{#each @root.a}}{{#each @root.a}}x{{/each}}{{/each}}{{/each}}', { a }, {}));
    expect(e).toBeInstanceOf(TemplateDataError); // a 400 over HTTP; a queued message fails without retry
    expect(e.limit).toBe('steps');
    expect(e.message).toMatch(/more than 250,000 steps/);
  });

  it('counts mustache-style sections over arrays ({{#a}}…{{/a}}) like {{#each}}', () => {
    const e = failure(() => fill('{{#a}}{{#@root.a}}{{#@root.a}}x{{/@root.a}}{{/@root.a}}{{/a}}', { a: list(100) }, { steps: 50_000 }));
    expect(e.limit).toBe('steps');
  });

  it('counts values and helper calls, not only loops', () => {
    expect(failure(() => fill('{{a}}'.repeat(200), { a: 'x' }, { steps: 100 })).limit).toBe('steps');
    expect(failure(() => fill('{{#if a}}y{{/if}}'.repeat(200), { a: true }, { steps: 100 })).limit).toBe('steps');
  });

  it('stops output past the size limit, values and loop text alike', () => {
    const big = 'x'.repeat(100_000);
    expect(failure(() => fill('{{a}}'.repeat(30), { a: big }, { outputChars: 1_000_000 })).message).toMatch(/larger than 1 MB/);
    expect(failure(() => fill('{{{a}}}'.repeat(30), { a: big }, { outputChars: 1_000_000 }, false)).limit).toBe('outputChars');
    expect(failure(() => fill(`{{#each a}}${'y'.repeat(10_000)}{{/each}}`, { a: list(200) }, { outputChars: 1_000_000 })).limit).toBe('outputChars');
  });

  it('counts nested output once, so a loop inside a loop is not charged twice', () => {
    // 100 × 100 × 10 characters = 100,000 written: under a 150,000 limit, whatever the nesting.
    expect(fill('{{#each a}}{{#each @root.a}}0123456789{{/each}}{{/each}}', { a: list(100) }, { outputChars: 150_000 })).toHaveLength(100_000);
  });

  it('stops at the time limit, checked while the loops run', () => {
    const e = failure(() => fill('{{#each a}}{{#each @root.a}}{{#each @root.a}}{{money 1 "EUR"}}{{/each}}{{/each}}{{/each}}', { a: list(500) }, { ms: 50, steps: 1e12 }));
    expect(e.limit).toBe('ms');
    expect(e.message).toMatch(/longer than 50 ms/);
  });

  it('gives each render a fresh budget, and the parts of one render share it', () => {
    const fn = compileTemplate(hb, '{{#each a}}x{{/each}}', true);
    const limits = { ...RENDER_LIMITS, steps: 150 };
    for (let i = 0; i < 5; i++) expect(withRenderBudget(() => fn({ a: list(100) }), limits)).toHaveLength(100);
    expect(() => withRenderBudget(() => fn({ a: list(100) }) + fn({ a: list(100) }), limits)).toThrow(RenderLimitError);
  });
});
