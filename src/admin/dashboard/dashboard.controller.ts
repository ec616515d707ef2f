import { Get, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { AdminController } from '../admin-controller';
import { barChart } from '../charts/svg-chart';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { DashboardService } from './dashboard.service';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** /admin: recent campaigns with their key numbers, subscribers per list, sends over the last 30 days. */
@AdminController()
export class DashboardController {
  constructor(
    private readonly views: AdminViews,
    private readonly dashboard: DashboardService,
  ) {}

  @Get()
  async show(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const data = await this.dashboard.load();
    const sentTotal = data.sendsPerDay.reduce((sum, d) => sum + d.count, 0);
    const biggest = Math.max(1, ...data.lists.map((l) => l.subscriberCount));
    this.views.page(req, res, 'dashboard/index', {
      title: 'Dashboard',
      nav: 'dashboard',
      ...data,
      campaigns: data.campaigns.map((c) => ({ ...c, hasSent: c.sent > 0 })),
      lists: data.lists.map((l) => ({ ...l, share: Math.round((100 * l.subscriberCount) / biggest) })),
      sentTotal,
      // Server-drawn SVG built from numbers and dates only (labels escaped by barChart).
      chartSvg: barChart({
        labels: data.sendsPerDay.map((d) => dayLabel(d.day)),
        series: [{ name: 'messages sent', values: data.sendsPerDay.map((d) => d.count) }],
        title: `Messages sent per day, last ${data.sendsPerDay.length} days`,
      }),
      firstDay: data.sendsPerDay[0]?.day,
      lastDay: data.sendsPerDay[data.sendsPerDay.length - 1]?.day,
    });
  }
}

/** 2026-11-05 → "5 Nov" */
function dayLabel(isoDay: string): string {
  const [, m, d] = isoDay.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]}`;
}
