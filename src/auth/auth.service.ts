import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { checkPassword } from '../users/password';
import { User } from '../users/user.entity';
import { toUserView, UsersService } from '../users/users.service';

const ACCESS_TOKEN_TTL = '12h';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
  ) {}

  async login(email: string, password: string) {
    const user = await this.users.findByEmail(email);
    if (!(await checkPassword(password, user?.passwordHash)) || !user) {
      throw new UnauthorizedException('Wrong email or password');
    }
    const accessToken = await this.jwt.signAsync({ sub: user.id }, { expiresIn: ACCESS_TOKEN_TTL });
    const { id, role } = toUserView(user);
    return { accessToken, user: { id, email: user.email, role } };
  }

  /** The user behind a valid access token, loaded fresh so a deleted user or changed role takes effect at once. */
  async userForAccessToken(token: string): Promise<User | null> {
    try {
      const { sub } = await this.jwt.verifyAsync<{ sub: string }>(token);
      return await this.users.findById(sub);
    } catch {
      return null;
    }
  }
}
