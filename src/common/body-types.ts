import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { throwDeferredBodyError } from './body-errors';

const BODY_TYPES_KEY = 'http:bodyTypes';

/** What a route takes unless it says otherwise: the two types the app's own parsers read. */
export const DEFAULT_BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'];

/** For a route that reads no body but must not refuse one (RFC 8058 one-click unsubscribe). */
export const ANY_BODY_TYPE = '*/*';

/** The body types a route takes (also shown in the API docs); a body of another type is a 415. */
export function BodyTypes(...types: string[]): MethodDecorator & ClassDecorator {
  const docs = types.filter((t) => t !== ANY_BODY_TYPE);
  return applyDecorators(SetMetadata(BODY_TYPES_KEY, types), ...(docs.length ? [ApiConsumes(...docs)] : []));
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A body the route cannot read is a 415 naming what it takes, before any parser of the route's own
 * (multer) or validation runs; without this, a text/plain body reached the DTO as nothing and came
 * back as a list of every field missing. Requests without a body (a bare POST …/pause) pass.
 * Body errors kept for admin pages (body-errors.ts) are thrown here on routes the admin guard skips.
 */
@Injectable()
export class BodyTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    throwDeferredBodyError(req);
    if (!carriesBody(req)) return next.handle();
    const types =
      this.reflector.getAllAndOverride<string[]>(BODY_TYPES_KEY, [ctx.getHandler(), ctx.getClass()]) ??
      DEFAULT_BODY_TYPES;
    if (!types.includes(ANY_BODY_TYPE) && !req.is(types)) {
      const sent = req.headers['content-type']
        ? `got ${req.headers['content-type'].split(';')[0].trim()}`
        : 'none was given';
      throw new UnsupportedMediaTypeException(`Content-Type must be ${types.join(' or ')}; ${sent}`);
    }
    return next.handle();
  }
}

function carriesBody(req: Request): boolean {
  if (!WITH_BODY.has(req.method)) return false;
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
}
