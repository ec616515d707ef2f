import { BODY_LIMITS, bodyShapeProblem } from './body-limits';

const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
const nested = (depth: number) => JSON.parse('{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1)) as object;

describe('bodyShapeProblem', () => {
  it('passes what the API takes: scalars, free attributes, nested template data, long strings', () => {
    expect(bodyShapeProblem(undefined)).toBeNull();
    expect(bodyShapeProblem('text')).toBeNull();
    expect(
      bodyShapeProblem({
        mjml: 'x'.repeat(900_000),
        data: { order: { items: Array.from({ length: 1000 }, () => ({ sku: 'a', qty: 1 })) } },
      }),
    ).toBeNull();
    expect(bodyShapeProblem({ email: 'a@example.com', attributes: keys(900) })).toBeNull();
    expect(bodyShapeProblem({ data: nested(33) })).toBeNull();
  });

  it('refuses a NUL character in any string or key, at any depth, naming what carried it', () => {
    const nul = 'Request body must not contain the NUL character (\\u0000)';
    expect(bodyShapeProblem({ name: 'a\u0000' })).toBe(nul);
    expect(bodyShapeProblem({ data: { items: [{ name: 'ok' }, { name: '\u0000' }] } })).toBe(nul);
    expect(bodyShapeProblem({ attributes: { 'k\u0000': 1 } })).toBe(nul);
    expect(bodyShapeProblem({ search: ['a', 'b\u0000'] }, BODY_LIMITS, 'Query string')).toBe(
      'Query string must not contain the NUL character (\\u0000)',
    );
    expect(bodyShapeProblem({ name: 'a\u0001 é \u200b' })).toBeNull();
  });

  it('refuses a UTF-16 surrogate without its pair in any string or key, and passes paired ones (emoji)', () => {
    const lone = 'Request body must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)';
    expect(bodyShapeProblem({ attributes: { a: 'x\ud800' } })).toBe(lone);
    expect(bodyShapeProblem({ name: '\udc00x' })).toBe(lone);
    expect(bodyShapeProblem({ data: { ['\ud83d']: 1 } })).toBe(lone);
    expect(bodyShapeProblem({ search: '\udfff\ud800' }, BODY_LIMITS, 'Query string')).toBe(
      'Query string must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)',
    );
    expect(bodyShapeProblem({ name: 'Zoë 😀 \ud83d\ude00', data: { '😀': ['𝄞'] } })).toBeNull();
  });

  it('refuses too many keys in one object, naming the limit', () => {
    expect(bodyShapeProblem(keys(90_000))).toBe(
      `Request body has an object with more than ${BODY_LIMITS.keysPerObject} keys`,
    );
    expect(bodyShapeProblem({ attributes: keys(BODY_LIMITS.keysPerObject + 1) })).toMatch(/more than 1000 keys/);
  });

  it('refuses too many keys and elements in all, objects and arrays alike', () => {
    const spread = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`o${i}`, keys(900)]));
    expect(bodyShapeProblem(spread)).toBe(`Request body has more than ${BODY_LIMITS.values} keys and array elements`);
    expect(bodyShapeProblem({ listIds: new Array(400_000).fill(1) })).toMatch(
      /more than 20000 keys and array elements/,
    );
  });

  it('refuses deep nesting without recursing (3,000 and 100,000 levels)', () => {
    expect(bodyShapeProblem(nested(BODY_LIMITS.depth))).toBeNull();
    expect(bodyShapeProblem(nested(BODY_LIMITS.depth + 1))).toBe(
      `Request body is nested more than ${BODY_LIMITS.depth} levels deep`,
    );
    expect(bodyShapeProblem(nested(3_000))).toMatch(/nested more than/);
    expect(bodyShapeProblem(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)))).toMatch(/nested more than/);
  });

  it('costs time in proportion to the body, not its square', () => {
    const time = (n: number) => {
      const body = { a: Array.from({ length: n / 10 }, () => keys(10)) };
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20; i++) bodyShapeProblem(body, { depth: 10, keysPerObject: 100, values: 1e9 });
      return Number(process.hrtime.bigint() - started);
    };
    time(20_000); // warm up
    // Ten times the keys: about ten times the time (a square would be a hundred).
    expect(time(200_000) / time(20_000)).toBeLessThan(40);
  });
});
