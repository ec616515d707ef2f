import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { messageOf } from './admin-form';
import { AdminLoginRequired } from './session/admin.guard';
import { AdminRequest } from './session/admin-user';
import { AdminViews } from './views/admin-views.service';

/**
 * Errors on admin routes: no session → the login page (then back); anything else → a page in the
 * admin's look with the message, or JSON for the page scripts' fetches (Accept: application/json).
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Admin');

  constructor(private readonly views: AdminViews) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<AdminRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const wantsJson = (req.headers.accept ?? '').includes('application/json');

    if (exception instanceof AdminLoginRequired) {
      if (wantsJson) {
        res
          .status(401)
          .json({ statusCode: 401, error: 'Unauthorized', message: 'Your session has ended: sign in again' });
        return;
      }
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(303, `/admin/login${next}`);
      return;
    }

    let status = 500;
    let message: string;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = messageOf(exception);
    } else {
      const errorId = randomUUID();
      this.logger.error({ errorId, err: exception }, 'unhandled error on an admin page');
      message = `Something went wrong (error id ${errorId})`;
    }
    if (wantsJson) {
      res.status(status).json({ statusCode: status, message });
      return;
    }
    const title =
      status === 404
        ? 'Not found'
        : status === 403
          ? 'Not allowed'
          : status < 500
            ? 'That did not work'
            : 'Something went wrong';
    this.views.page(req, res, 'error', { title, message, status, nav: 'none' });
  }
}
