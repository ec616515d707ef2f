import { applyDecorators, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { AdminExceptionFilter } from './admin-exception.filter';
import { AdminGuard } from './session/admin.guard';

/**
 * An admin UI controller under /admin/<path>: cookie session instead of bearer tokens (so the global
 * API guard steps aside), CSRF on changes, roles by @MinRole, errors as admin pages.
 */
export function AdminController(path = ''): ClassDecorator {
  return applyDecorators(
    ApiExcludeController(),
    Public(),
    UseGuards(AdminGuard),
    UseFilters(AdminExceptionFilter),
    Controller(path ? `admin/${path}` : 'admin'),
  );
}
