import { Get, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { IdParam } from '../../common/id-param';
import { AdminController } from '../admin-controller';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { CampaignReportService } from './campaign-report.service';

/** A campaign's report (viewers and up): /admin/campaigns/:id/report. */
@AdminController('campaigns')
export class CampaignReportController {
  constructor(
    private readonly views: AdminViews,
    private readonly reports: CampaignReportService,
  ) {}

  @Get(':id/report')
  async show(@IdParam() id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const report = await this.reports.report(id, req.adminUser!.timeZone);
    this.views.page(req, res, 'reports/campaign', {
      title: `Report: ${report.campaign.name}`,
      nav: 'campaigns',
      ...report,
    });
  }

  /** Polled by the page while the campaign is sending. */
  @Get(':id/report.json')
  async counters(@IdParam() id: string, @Res() res: Response): Promise<void> {
    res.set('Cache-Control', 'no-store').json(await this.reports.counters(id));
  }
}
