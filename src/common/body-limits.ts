import { NextFunction, Request, Response } from 'express';

/**
 * How many keys and how deep a parsed body may be. class-transformer's cost grows with the square of
 * an object's key count (90,000 keys under the 1 MB limit held the event loop for 12–20 s) and it
 * recurses once per level (a 6 KB body nested 3,000 deep overflowed the stack), so bodies are measured
 * before anything transforms them. No request needs more: the largest legitimate objects are free JSON
 * (subscriber `attributes`, at most 16 KB; a transactional message's or a preview's `data`, whose
 * template data may be nested at most 32 levels).
 */
export const BODY_LIMITS = {
  /** levels of objects and arrays, the body itself being the first */
  depth: 40,
  /** keys of any one object */
  keysPerObject: 1_000,
  /** object keys and array elements in the whole body */
  values: 20_000,
} as const;

export type BodyLimits = { [K in keyof typeof BODY_LIMITS]: number };

/**
 * Text no field needs and PostgreSQL cannot store: NUL (a 500 "invalid byte sequence" wherever it reached a
 * query) and a UTF-16 surrogate without its pair (JSON's "\ud800", a 500 "invalid input syntax for type json"
 * in every JSON column: attributes, template data, event details).
 */
const NUL = '\u0000';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(value: string, what: string): string | null {
  if (value.includes(NUL)) return `${what} must not contain the NUL character (\\u0000)`;
  if (LONE_SURROGATE.test(value)) return `${what} must not contain an unpaired UTF-16 surrogate (\\ud800-\\udfff)`;
  return null;
}

/**
 * What is wrong with a parsed body's shape, or null. An iterative walk (no recursion to overflow) that
 * stops at the first limit passed, so its cost is linear in what it read and never above the limits.
 * Text PostgreSQL cannot store (textProblem) in any key or string is refused here too, once for every route.
 */
export function bodyShapeProblem(
  body: unknown,
  limits: BodyLimits = BODY_LIMITS,
  what = 'Request body',
): string | null {
  if (typeof body === 'string') return textProblem(body, what);
  if (body === null || typeof body !== 'object') return null;
  const stack: Array<[value: object, depth: number]> = [[body, 1]];
  let values = 0;
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (depth > limits.depth) return `${what} is nested more than ${limits.depth} levels deep`;
    let children: unknown[];
    if (Array.isArray(value)) {
      children = value;
    } else {
      const keys = Object.keys(value);
      if (keys.length > limits.keysPerObject)
        return `${what} has an object with more than ${limits.keysPerObject} keys`;
      for (const k of keys) {
        const problem = textProblem(k, what);
        if (problem) return problem;
      }
      children = keys.map((k) => (value as Record<string, unknown>)[k]);
    }
    values += children.length;
    if (values > limits.values) return `${what} has more than ${limits.values} keys and array elements`;
    for (const child of children) {
      const problem = typeof child === 'string' ? textProblem(child, what) : null;
      if (problem) return problem;
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return null;
}

/** An error for bodyErrorHandler (body-errors.ts), like those of Express's parsers. */
export class BodyShapeError extends Error {
  readonly status = 400;
  readonly type = 'entity.shape.refused';
}

/** After the parsers: a parsed body over the limits (or a query string with text PostgreSQL cannot store) stops here with a 400 naming the limit. */
export function bodyShapeLimit(req: Request, _res: Response, next: NextFunction): void {
  // Provider webhooks measure their raw bodies with limits of their own (a SendGrid batch holds ~30,000 values).
  const body: unknown = req.path.startsWith('/api/webhooks/') ? undefined : req.body;
  const problem = bodyShapeProblem(body) ?? bodyShapeProblem(req.query, BODY_LIMITS, 'Query string');
  next(problem ? new BodyShapeError(problem) : undefined);
}
