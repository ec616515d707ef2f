import { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/**
 * Express's body parsers fail before Nest's filters run; this turns their errors
 * (too large, malformed JSON, wrong charset) into the same JSON shape as every other error.
 */
export function bodyErrorHandler(err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, next: NextFunction) {
  if (!err || typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return next(err);
  const message =
    err.type === 'entity.too.large'
      ? 'Request body is too large'
      : err.type === 'entity.parse.failed'
        ? 'Request body is not valid JSON'
        : (err.message ?? 'Bad request');
  res.status(err.status).json({ statusCode: err.status, error: STATUS_CODES[err.status], message });
}
