import { Body, Post, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { IdParam } from '../../common/id-param';
import { CreateUserDto, UpdateUserDto } from '../../users/dto/user.dto';
import { UsersService } from '../../users/users.service';
import { AdminController } from '../admin-controller';
import { validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { SettingsPageService } from './settings-page.service';

/** Users and roles on the settings page (admins only). UsersService refuses to lose the last admin. */
@AdminController('settings/users')
@MinRole('admin')
export class SettingsUsersController {
  constructor(
    private readonly views: AdminViews,
    private readonly page: SettingsPageService,
    private readonly users: UsersService,
  ) {}

  @Post()
  @MinRole('admin')
  async create(@Body() body: Record<string, unknown>, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const values = { email: body.email, role: body.role };
    const { value, errors } = await validateForm(CreateUserDto, body);
    if (errors) return this.page.show(req, res, { form: 'user', values, errors }, 400);
    try {
      await this.users.create(value.email, value.password, value.role);
    } catch (err) {
      const message = SettingsPageService.refusal(err);
      return this.page.show(
        req,
        res,
        { form: 'user', values, errors: { email: message } },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(res, '/admin/settings#users', `${value.email.toLowerCase()} can now sign in as ${value.role}`);
  }

  @Post(':id/role')
  @MinRole('admin')
  async changeRole(
    @IdParam() id: string,
    @Body() body: Record<string, unknown>,
    @Req() req: AdminRequest,
    @Res() res: Response,
  ): Promise<void> {
    const { value, errors } = await validateForm(UpdateUserDto, { role: body.role });
    if (errors || !value.role)
      return this.page.show(req, res, { form: 'users', alert: errors?.role ?? 'Choose a role' }, 400);
    let email: string;
    try {
      email = (await this.users.update(id, { role: value.role })).email;
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'users', alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    // Demoting yourself ends your access to this page.
    const to = id === req.adminUser!.id && value.role !== 'admin' ? '/admin' : '/admin/settings#users';
    this.views.redirect(res, to, `${email} is now ${value.role}`);
  }

  @Post(':id/delete')
  @MinRole('admin')
  async remove(@IdParam() id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const user = await this.users.findById(id);
    try {
      await this.users.remove(id);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'users', alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    if (id === req.adminUser!.id) return void res.redirect(303, '/admin/login');
    this.views.redirect(res, '/admin/settings#users', `${user?.email ?? 'The user'} was deleted`);
  }
}
