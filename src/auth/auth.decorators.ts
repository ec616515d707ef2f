import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiKeyScope } from './api-key-scopes';
import { Role } from '../users/roles';

export const PUBLIC_KEY = 'auth:public';
export const MIN_ROLE_KEY = 'auth:minRole';
export const SCOPES_KEY = 'auth:scopes';

/** No credentials needed (recipient pages, public sign-up, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * The least role a user needs. Without it, reading (GET) needs `viewer` and changing needs `editor`.
 * Roles rank admin > editor > viewer.
 */
export const MinRole = (role: Role) => SetMetadata(MIN_ROLE_KEY, role);

/**
 * API keys with any of these scopes may call the route; keys are refused (403) everywhere else, so a route
 * without @Scopes is for signed-in users only. The OpenAPI page names the scopes as `x-api-key-scopes`.
 */
export const Scopes = (...scopes: ApiKeyScope[]) =>
  applyDecorators(SetMetadata(SCOPES_KEY, scopes), ApiExtension('x-api-key-scopes', scopes));
