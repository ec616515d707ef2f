import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiKeyScope } from './api-key-scopes';
import { Role } from '../users/roles';

/** Who is calling: a signed-in user or an API key. Set on the request by AuthGuard. */
export type Principal =
  | { kind: 'user'; id: string; email: string; role: Role }
  | { kind: 'apiKey'; id: string; name: string; scopes: ApiKeyScope[] };

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal,
);
