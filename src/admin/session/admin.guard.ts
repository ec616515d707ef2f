import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MIN_ROLE_KEY } from '../../auth/auth.decorators';
import { throwDeferredBodyError } from '../../common/body-errors';
import { Role } from '../../users/roles';
import { AdminSessionService, SESSION_COOKIE, sameToken } from './admin-session.service';
import { AdminRequest, hasRole } from './admin-user';
import { CSRF_IN_MULTIPART_KEY, CSRF_REFUSAL } from './multipart-csrf';

/** Thrown when there is no valid session; the admin filter turns it into a redirect to the login page. */
export class AdminLoginRequired extends Error {}

const SAFE_METHODS = ['GET', 'HEAD'];

/**
 * Every admin page: a valid session cookie, the role the route needs (@MinRole; by default viewer to
 * read and editor to change), and on every change the session's CSRF token, from the form field
 * `_csrf` or the X-CSRF-Token header, never from the URL. The field is removed from the body so form DTOs never
 * see it. An upload route marked @CsrfInMultipartBody checks a multipart body's token itself (multipart-csrf.ts).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: AdminSessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    const cookies = req.cookies as Record<string, string | undefined> | undefined;
    const session = await this.sessions.resume(cookies?.[SESSION_COOKIE]);
    if (!session) throw new AdminLoginRequired();
    req.adminUser = session.user;
    req.csrfToken = session.csrf;
    // A body that could not be read (too large…) has no CSRF token either: say what really went wrong.
    throwDeferredBodyError(req);

    const safe = SAFE_METHODS.includes(req.method);
    const targets = [ctx.getHandler(), ctx.getClass()];
    // Multipart bodies are read after guards run: the route checks their token before storing anything.
    const deferred =
      this.reflector.getAllAndOverride<boolean>(CSRF_IN_MULTIPART_KEY, targets) && !!req.is('multipart/form-data');
    if (!safe && !deferred) {
      const body = req.body as Record<string, unknown> | undefined;
      const sent = body?._csrf ?? req.headers['x-csrf-token'];
      if (body && typeof body === 'object') delete body._csrf;
      if (!sameToken(sent, session.csrf)) throw new ForbiddenException(CSRF_REFUSAL);
    }
    const needed = this.reflector.getAllAndOverride<Role>(MIN_ROLE_KEY, targets) ?? (safe ? 'viewer' : 'editor');
    if (!hasRole(session.user, needed))
      throw new ForbiddenException(`This needs the ${needed} role; you are signed in as ${session.user.role}`);
    return true;
  }
}
