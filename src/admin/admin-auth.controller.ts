import {
  Body,
  Controller,
  Get,
  Post,
  Query,
  Redirect,
  Req,
  Res,
  UnauthorizedException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { TooManySignInAttempts } from '../auth/login-limiter.service';
import { messageOf } from './admin-form';
import { AdminExceptionFilter } from './admin-exception.filter';
import { AdminGuard } from './session/admin.guard';
import { AdminSessionService, LOGIN_CSRF_COOKIE, sameToken } from './session/admin-session.service';
import { AdminRequest } from './session/admin-user';
import { AdminViews } from './views/admin-views.service';

/** Sign in and out of the admin UI. */
@ApiExcludeController()
@Public()
@UseFilters(AdminExceptionFilter)
@Controller('admin')
export class AdminAuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: AdminSessionService,
    private readonly views: AdminViews,
  ) {}

  @Get('login')
  loginPage(@Req() req: AdminRequest, @Res() res: Response, @Query('next') next?: string): void {
    const csrf = this.sessions.issueLoginCsrf(res);
    this.views.page(req, res, 'login', { title: 'Sign in', csrf, next: safeNext(next) }, 'bare-layout');
  }

  /** Limited like POST /api/auth/login (the same counters): a refusal shows the form again with 429 and Retry-After. */
  @Post('login')
  async login(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, string>): Promise<void> {
    const next = safeNext(body.next);
    if (!sameToken(body._csrf, req.cookies?.[LOGIN_CSRF_COOKIE])) {
      const csrf = this.sessions.issueLoginCsrf(res);
      this.views.page(
        req,
        res,
        'login',
        {
          title: 'Sign in',
          csrf,
          next,
          email: body.email,
          error: 'The form expired: please sign in again',
          status: 403,
        },
        'bare-layout',
      );
      return;
    }
    try {
      const { user } = await this.auth.login(String(body.email ?? ''), String(body.password ?? ''), req.ip ?? '');
      await this.sessions.start(res, user.id);
      res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/admin' });
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof UnauthorizedException) && !(err instanceof TooManySignInAttempts)) throw err;
      const throttled = err instanceof TooManySignInAttempts;
      if (throttled) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      const error = throttled ? messageOf(err) : 'Wrong email or password';
      const csrf = this.sessions.issueLoginCsrf(res);
      this.views.page(
        req,
        res,
        'login',
        { title: 'Sign in', csrf, next, email: body.email, error, status: throttled ? 429 : 401 },
        'bare-layout',
      );
    }
  }

  @Post('logout')
  @UseGuards(AdminGuard)
  async logout(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.sessions.end(res, req.adminUser!.id);
    res.redirect(303, '/admin/login');
  }
}

/** Only a path inside the admin UI, never another site (open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/admin';
}

/** The service's root is the admin UI. */
@ApiExcludeController()
@Public()
@Controller()
export class RootController {
  @Get()
  @Redirect('/admin', 302)
  root(): void {}
}
