import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { CookieOptions, Response } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { UsersService } from '../../users/users.service';
import { AdminUser } from './admin-user';

export const SESSION_COOKIE = 'mc_admin';
/** Before login there is no session: the login form's CSRF token is a double-submit cookie. */
export const LOGIN_CSRF_COOKIE = 'mc_admin_login';
const SESSION_TTL_SECONDS = 8 * 3600;

interface SessionClaims {
  sub: string;
  csrf: string;
}

/**
 * Editors' sessions: a signed cookie (HttpOnly, SameSite=Strict, Secure behind https, path /admin)
 * holding the user id and the session's CSRF token. The user is loaded fresh on every request, so a
 * role change or a deleted user takes effect at once.
 */
@Injectable()
export class AdminSessionService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  cookieOptions(maxAgeSeconds: number): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.publicUrl.startsWith('https:'),
      path: '/admin',
      maxAge: maxAgeSeconds * 1000,
    };
  }

  async start(res: Response, userId: string): Promise<void> {
    const claims: SessionClaims = { sub: userId, csrf: randomBytes(24).toString('base64url') };
    const token = await this.jwt.signAsync(claims, { expiresIn: SESSION_TTL_SECONDS });
    res.cookie(SESSION_COOKIE, token, this.cookieOptions(SESSION_TTL_SECONDS));
  }

  end(res: Response): void {
    res.clearCookie(SESSION_COOKIE, { ...this.cookieOptions(0), maxAge: undefined });
  }

  /** The user and CSRF token of a valid session cookie, or null. */
  async resume(cookie: string | undefined): Promise<{ user: AdminUser; csrf: string } | null> {
    if (!cookie) return null;
    try {
      const { sub, csrf } = await this.jwt.verifyAsync<SessionClaims>(cookie);
      const user = await this.users.findById(sub);
      return user ? { user: { id: user.id, email: user.email, role: user.role }, csrf } : null;
    } catch {
      return null;
    }
  }

  /** A fresh token for the login form, set as a cookie and put in the form. */
  issueLoginCsrf(res: Response): string {
    const token = randomBytes(24).toString('base64url');
    res.cookie(LOGIN_CSRF_COOKIE, token, this.cookieOptions(3600));
    return token;
  }
}

/** Constant-time comparison of two tokens; false when either is missing. */
export function sameToken(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || !a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
