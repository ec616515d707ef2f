import { Body, Get, Post, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { BrandDto } from '../../settings/dto/brand.dto';
import { EditableAttributeDto } from '../../settings/dto/editable-attribute.dto';
import { CompanyAddressDto, SenderDto } from '../../settings/dto/settings.dto';
import { SettingsService } from '../../settings/settings.service';
import { AdminController } from '../admin-controller';
import { validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { SettingsPageService } from './settings-page.service';

/** /admin/settings (admins only): the page, sender addresses, the company's postal address, the preference centre's editable attributes. */
@AdminController('settings')
@MinRole('admin')
export class SettingsController {
  constructor(
    private readonly views: AdminViews,
    private readonly page: SettingsPageService,
    private readonly settings: SettingsService,
  ) {}

  @Get()
  @MinRole('admin')
  show(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    return this.page.show(req, res);
  }

  @Post('senders')
  @MinRole('admin')
  async addSender(
    @Body() body: Record<string, unknown>,
    @Req() req: AdminRequest,
    @Res() res: Response,
  ): Promise<void> {
    const { value, errors } = await validateForm(SenderDto, body);
    if (errors) return this.page.show(req, res, { form: 'sender', values: body, errors }, 400);
    try {
      await this.settings.addSender(value);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'sender', values: body, alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(res, '/admin/settings#senders', `Sender ${value.email} added`);
  }

  @Post('senders/remove')
  @MinRole('admin')
  async removeSender(
    @Body() body: Record<string, unknown>,
    @Req() req: AdminRequest,
    @Res() res: Response,
  ): Promise<void> {
    const email = typeof body.email === 'string' ? body.email : '';
    try {
      await this.settings.removeSender(email);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'sender', alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(res, '/admin/settings#senders', `Sender ${email} removed`);
  }

  @Post('company')
  @MinRole('admin')
  async setCompany(
    @Body() body: Record<string, unknown>,
    @Req() req: AdminRequest,
    @Res() res: Response,
  ): Promise<void> {
    const { value, errors } = await validateForm(CompanyAddressDto, body);
    if (errors) return this.page.show(req, res, { form: 'company', values: body, errors }, 400);
    try {
      await this.settings.setCompanyAddress(value.companyAddress);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'company', values: body, alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(
      res,
      '/admin/settings#company',
      'Postal address saved: the next campaigns carry it in their footer',
    );
  }

  /** The brand of the readers' pages; colours readers could not read on are refused with their contrast. */
  @Post('brand')
  @MinRole('admin')
  async setBrand(@Body() body: Record<string, unknown>, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const { value, errors } = await validateForm(BrandDto, body);
    if (errors) return this.page.show(req, res, { form: 'brand', values: body, errors }, 400);
    try {
      await this.settings.setBrand(value);
    } catch (err) {
      const problems = SettingsPageService.refusal(err).split('; ');
      // Each problem names its field first ("primary colour …", "logo …"): shown beside that field.
      const fieldOf = (p: string) =>
        p.startsWith('logo') ? 'logo' : p.startsWith('background') ? 'background' : 'primary';
      const fieldErrors = Object.fromEntries(problems.map((p) => [fieldOf(p), p]));
      return this.page.show(req, res, { form: 'brand', values: body, errors: fieldErrors }, 400);
    }
    this.views.redirect(res, '/admin/settings#brand', 'Brand saved: readers see it on their pages now');
  }

  /** Marks an attribute editable in the preference centre (or relabels it). */
  @Post('editable-attributes')
  @MinRole('admin')
  async setAttribute(
    @Body() body: Record<string, unknown>,
    @Req() req: AdminRequest,
    @Res() res: Response,
  ): Promise<void> {
    const { value, errors } = await validateForm(EditableAttributeDto, body);
    if (errors) return this.page.show(req, res, { form: 'attribute', values: body, errors }, 400);
    try {
      await this.settings.setEditableAttribute(value);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'attribute', values: body, alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(
      res,
      '/admin/settings#preference-centre',
      `Readers can now change “${value.label}” in their preference centre`,
    );
  }

  @Post('editable-attributes/remove')
  @MinRole('admin')
  async removeAttribute(
    @Body() body: Record<string, unknown>,
    @Req() req: AdminRequest,
    @Res() res: Response,
  ): Promise<void> {
    const key = typeof body.key === 'string' ? body.key : '';
    try {
      await this.settings.removeEditableAttribute(key);
    } catch (err) {
      return this.page.show(
        req,
        res,
        { form: 'attribute', alert: SettingsPageService.refusal(err) },
        SettingsPageService.statusOf(err),
      );
    }
    this.views.redirect(res, '/admin/settings#preference-centre', `Readers can no longer change ${key}`);
  }
}
