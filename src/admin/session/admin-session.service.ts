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
  /** the user's session epoch when it began: a sign-out or a new password bumps it, ending the session */
  ep: number;
  use: 'admin';
}

/**
 * Editors' sessions: a signed cookie (HttpOnly, SameSite=Strict, Secure behind https, path /admin)
 * holding the user id, the session's CSRF token and the user's session epoch. The user is loaded fresh on
 * every request, so a role change, a deleted user, a new password or a sign-out (which ends all the user's
 * sessions, in every browser) takes effect at once.
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
    const user = await this.users.findById(userId);
    if (!user) throw new Error(`user ${userId} not found`);
    const claims: SessionClaims = {
      sub: userId,
      csrf: randomBytes(24).toString('base64url'),
      ep: user.sessionEpoch,
      use: 'admin',
    };
    const token = await this.jwt.signAsync(claims, { expiresIn: SESSION_TTL_SECONDS });
    res.cookie(SESSION_COOKIE, token, this.cookieOptions(SESSION_TTL_SECONDS));
  }

  /** Signs the user out of every session, here and in other browsers, and clears this browser's cookie. */
  async end(res: Response, userId: string): Promise<void> {
    await this.users.endSessions(userId);
    res.clearCookie(SESSION_COOKIE, { ...this.cookieOptions(0), maxAge: undefined });
  }

  /** The user and CSRF token of a valid session cookie, or null. */
  async resume(cookie: string | undefined): Promise<{ user: AdminUser; csrf: string } | null> {
    if (!cookie) return null;
    try {
      const { sub, csrf, ep, use } = await this.jwt.verifyAsync<SessionClaims>(cookie);
      if (use !== 'admin') return null;
      const user = await this.users.findById(sub);
      return user && user.sessionEpoch === ep
        ? { user: { id: user.id, email: user.email, role: user.role, timeZone: user.timeZone }, csrf }
        : null;
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
