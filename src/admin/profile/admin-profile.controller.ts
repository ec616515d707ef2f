import { BadRequestException, Body, Get, Post, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { timeZoneNames, zonedText } from '../../common/zoned-time';
import { UsersService } from '../../users/users.service';
import { AdminController } from '../admin-controller';
import { messageOf } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';

/**
 * /admin/profile: each user's own time zone (every role, their own only). Admin pages show times in it and the
 * campaign review step takes the time to send in it. New users start in UTC.
 */
@AdminController('profile')
export class AdminProfileController {
  constructor(
    private readonly views: AdminViews,
    private readonly users: UsersService,
  ) {}

  @Get()
  show(@Req() req: AdminRequest, @Res() res: Response): void {
    this.page(req, res, req.adminUser!.timeZone);
  }

  @Post()
  @MinRole('viewer')
  async save(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const zone = typeof body.timeZone === 'string' ? body.timeZone : '';
    try {
      const saved = await this.users.setTimeZone(req.adminUser!.id, zone);
      this.views.redirect(res, '/admin/profile', `Time zone saved: times now show in ${saved}`);
    } catch (e) {
      if (!(e instanceof BadRequestException)) throw e;
      this.page(req, res, zone, messageOf(e), 400);
    }
  }

  private page(req: AdminRequest, res: Response, chosen: string, error?: string, status = 200): void {
    this.views.page(req, res, 'profile/index', {
      title: 'Your profile',
      nav: 'profile',
      status,
      zones: timeZoneNames().map((z) => ({ name: z, selected: z === chosen })),
      now: zonedText(new Date(), req.adminUser!.timeZone),
      error,
    });
  }
}
