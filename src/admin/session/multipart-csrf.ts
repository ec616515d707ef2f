import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { Observable } from 'rxjs';
import { sameToken } from './admin-session.service';
import { AdminRequest } from './admin-user';

export const CSRF_IN_MULTIPART_KEY = 'admin:csrfInMultipart';
export const CSRF_REFUSAL = 'The form expired or did not come from this site: reload the page and try again';

/**
 * An upload form (multipart) whose CSRF token travels in the body, never in the URL (where logs, proxies and the
 * Referer header would keep it). Guards run before the multipart body is read, so AdminGuard leaves the check to
 * the route: `csrfFileFilter` refuses the file before a byte of it is stored unless the `_csrf` field came first
 * (the form puts it first, and browsers send fields in order), and MultipartCsrfCheck checks it again once the
 * body is read, for a form sent without a file.
 */
export const CsrfInMultipartBody = () => applyDecorators(SetMetadata(CSRF_IN_MULTIPART_KEY, true));

function tokenOf(req: AdminRequest): unknown {
  return (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
}

/** multer's fileFilter: no file is stored unless the session's token was sent before it. */
export function csrfFileFilter(
  req: AdminRequest,
  _file: unknown,
  done: (error: Error | null, accept: boolean) => void,
): void {
  if (sameToken(tokenOf(req), req.csrfToken)) done(null, true);
  else done(new ForbiddenException(CSRF_REFUSAL), false);
}

/** After multer: the token must be there even when no file was sent; the field is removed so form DTOs never see it. */
@Injectable()
export class MultipartCsrfCheck implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const ok = sameToken(tokenOf(req), req.csrfToken);
    if (req.body && typeof req.body === 'object') delete (req.body as Record<string, unknown>)._csrf;
    if (!ok) {
      if (req.file) await rm(req.file.path, { force: true });
      throw new ForbiddenException(CSRF_REFUSAL);
    }
    return next.handle();
  }
}
