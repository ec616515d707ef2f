import { HttpException } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/** What Express's body parsers (and bodyShapeLimit) pass to `next` when a body cannot be taken. */
interface BodyError {
  status?: number;
  type?: string;
  message?: string;
  limit?: number;
}

/**
 * Express's body parsers fail before Nest's filters run; this turns their errors (too large, malformed
 * JSON, too many fields, too many keys or too deep, wrong charset) into the same JSON shape as every
 * other error. On admin pages the error is kept for the admin guard to throw instead, so that the admin
 * exception filter answers with a page in the admin's look (the person's edit is lost either way, but
 * they are told why, not shown raw JSON).
 */
export function bodyErrorHandler(err: BodyError, req: Request, res: Response, next: NextFunction) {
  if (!err || typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return next(err);
  const message = messageOf(err);
  if (isAdminPath(req.path)) {
    deferred.set(
      req,
      new HttpException({ statusCode: err.status, error: STATUS_CODES[err.status], message }, err.status),
    );
    return next();
  }
  res.status(err.status).json({ statusCode: err.status, error: STATUS_CODES[err.status], message });
}

function messageOf(err: BodyError): string {
  switch (err.type) {
    case 'entity.too.large':
      return `Request body is too large: at most ${megabytes(err.limit)}`;
    case 'entity.parse.failed':
      return 'Request body is not valid JSON';
    case 'parameters.too.many':
      return 'Request body has too many form fields';
    default:
      return err.message ?? 'Bad request';
  }
}

function megabytes(bytes: number | undefined): string {
  if (!bytes) return 'the limit';
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

function isAdminPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/** Body errors of admin requests, until the admin guard (or the body-type interceptor) throws them. */
const deferred = new WeakMap<Request, HttpException>();

/** Throws the body error kept for this request, if any. */
export function throwDeferredBodyError(req: Request): void {
  const error = deferred.get(req);
  if (error) throw error;
}
