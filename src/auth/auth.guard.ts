import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { ApiKeyScope } from './api-key-scopes';
import { ApiKeysService } from './api-keys.service';
import { MIN_ROLE_KEY, PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';
import { AuthService } from './auth.service';
import { Principal } from './principal';
import { Role } from '../users/roles';

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

/** The global guard: every route needs a bearer credential unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (ctx.getType() !== 'http') return false;

    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const credential = bearerOf(req);
    if (!credential)
      throw new UnauthorizedException('Missing credentials: send Authorization: Bearer <token or API key>');

    if (ApiKeysService.looksLikeKey(credential)) {
      const key = await this.apiKeys.authenticate(credential);
      if (!key) throw new UnauthorizedException('Invalid API key');
      const allowed = this.reflector.getAllAndOverride<ApiKeyScope[]>(SCOPES_KEY, targets) ?? [];
      if (!allowed.some((scope) => key.scopes.includes(scope))) {
        throw new ForbiddenException(
          allowed.length
            ? `This API key needs one of the scopes: ${allowed.join(', ')}`
            : 'API keys cannot call this endpoint',
        );
      }
      req.principal = { kind: 'apiKey', id: key.id, name: key.name, scopes: key.scopes };
      return true;
    }

    const user = await this.auth.userForAccessToken(credential);
    if (!user) throw new UnauthorizedException('Invalid or expired access token');
    const needed =
      this.reflector.getAllAndOverride<Role>(MIN_ROLE_KEY, targets) ??
      (['GET', 'HEAD'].includes(req.method) ? 'viewer' : 'editor');
    if (RANK[user.role] < RANK[needed]) throw new ForbiddenException(`This needs the ${needed} role`);
    req.principal = { kind: 'user', id: user.id, email: user.email, role: user.role };
    return true;
  }
}

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header && /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : undefined;
}
