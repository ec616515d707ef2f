import { Body, Get, HttpException, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { MinRole } from '../../auth/auth.decorators';
import { AdminController } from '../admin-controller';
import { FieldErrors, messageOf, validateForm } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { BouncesPageService, SuppressionFound } from './bounces-page.service';
import { LiftSuppressionDto, SuppressionSearchDto } from './dto/suppression-forms.dto';
import { LiftSuppressionService } from './lift-suppression.service';

interface SuppressionPart {
  search?: { email: string; why?: string };
  errors?: FieldErrors | null;
  found?: SuppressionFound | null;
  alert?: string;
}

/** The Bounces page (viewers and up): bounces and complaints, their counts, the suppression list; lifting is for admins. */
@AdminController('bounces')
export class AdminBouncesController {
  constructor(
    private readonly views: AdminViews,
    private readonly page: BouncesPageService,
    private readonly lifts: LiftSuppressionService,
  ) {}

  @Get()
  async show(@Query() raw: Record<string, unknown>, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    if (raw.email === undefined) return this.render(req, res, {});
    const { value, errors } = await validateForm(SuppressionSearchDto, { email: raw.email });
    if (errors)
      return this.render(req, res, { search: { email: typeof raw.email === 'string' ? raw.email : '' }, errors }, 400);
    const found = await this.page.findSuppression(value.email);
    return this.render(req, res, { search: { email: value.email }, found });
  }

  @Post('unsuppress')
  @MinRole('admin')
  async lift(@Body() body: Record<string, unknown>, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const { value, errors } = await validateForm(LiftSuppressionDto, { email: body.email, why: body.why });
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const search = { email: text(body.email), why: text(body.why) };
    if (errors) {
      const found = value.email && !errors.email ? await this.page.findSuppression(value.email) : null;
      return this.render(req, res, { search, errors, found }, 400);
    }
    try {
      await this.lifts.lift(value.email, value.why, req.adminUser!);
    } catch (err) {
      if (!(err instanceof HttpException)) throw err;
      const found = await this.page.findSuppression(value.email);
      return this.render(req, res, { search, found, alert: messageOf(err) }, err.getStatus());
    }
    this.views.redirect(res, '/admin/bounces#suppressions', `${value.email} can get campaign mail again`);
  }

  private async render(req: AdminRequest, res: Response, part: SuppressionPart, status = 200): Promise<void> {
    this.views.page(req, res, 'bounces/index', {
      title: 'Bounces',
      nav: 'bounces',
      status,
      ...(await this.page.page()),
      ...part,
      searched: part.search !== undefined && !part.errors?.email,
    });
  }
}
