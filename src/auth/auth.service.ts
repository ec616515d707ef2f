import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { checkPassword } from '../users/password';
import { LoginLimiter } from './login-limiter.service';
import type { User } from '../users/user.repository';
import { toUserView, UsersService } from '../users/users.service';

const ACCESS_TOKEN_TTL = '12h';

/** An access token's claims: the user, the session epoch it was issued in, and what it is for (not an admin session). */
interface AccessClaims {
  sub: string;
  ep: number;
  use: 'api';
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly limiter: LoginLimiter,
  ) {}

  /**
   * Signs in from client address `ip` (the API and the admin login form alike). Throws TooManySignInAttempts (429)
   * when the account or the address has used up its attempts, before the password is even checked.
   */
  async login(email: string, password: string, ip: string) {
    await this.limiter.attempt(email, ip);
    const user = await this.users.findByEmail(email);
    if (!(await checkPassword(password, user?.passwordHash)) || !user) {
      throw new UnauthorizedException('Wrong email or password');
    }
    await this.limiter.succeeded(email, ip);
    const claims: AccessClaims = { sub: user.id, ep: user.sessionEpoch, use: 'api' };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ACCESS_TOKEN_TTL });
    const { id, role } = toUserView(user);
    return { accessToken, user: { id, email: user.email, role } };
  }

  /**
   * The user behind a valid access token, loaded fresh so a deleted user, a changed role, a new password or a
   * sign-out takes effect at once.
   */
  async userForAccessToken(token: string): Promise<User | null> {
    try {
      const { sub, ep, use } = await this.jwt.verifyAsync<AccessClaims>(token);
      if (use !== 'api') return null;
      const user = await this.users.findById(sub);
      return user && user.sessionEpoch === ep ? user : null;
    } catch {
      return null;
    }
  }
}
