import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { Role } from '../../users/roles';

/** The signed-in editor, set on the request by AdminGuard. */
export interface AdminUser {
  id: string;
  email: string;
  role: Role;
  /** the user's IANA time zone: admin pages show and take times in it */
  timeZone: string;
}

export interface AdminRequest extends Request {
  adminUser?: AdminUser;
  /** the session's CSRF token, put in every form and sent by the page scripts as X-CSRF-Token */
  csrfToken?: string;
}

export const CurrentAdmin = createParamDecorator((_: unknown, ctx: ExecutionContext): AdminUser => {
  return ctx.switchToHttp().getRequest<AdminRequest>().adminUser!;
});

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };
export function hasRole(user: AdminUser | undefined, needed: Role): boolean {
  return !!user && RANK[user.role] >= RANK[needed];
}
