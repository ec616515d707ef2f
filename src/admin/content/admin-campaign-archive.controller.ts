import { Body, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { IdParam } from '../../common/id-param';
import { AdminController } from '../admin-controller';
import { AdminViews } from '../views/admin-views.service';

/**
 * The campaign page's archive button: in or out of the public archive in any status (a sent campaign too: taking
 * it out makes its archive page a 404 at once). Before sending, the settings step's checkbox does the same.
 */
@AdminController('campaigns')
export class AdminCampaignArchiveController {
  constructor(
    private readonly views: AdminViews,
    private readonly campaigns: CampaignsService,
  ) {}

  @Post(':id/archive')
  async setArchive(@Res() res: Response, @IdParam() id: string, @Body() body: Record<string, unknown>): Promise<void> {
    const archive = body.archive === 'on';
    const c = await this.campaigns.update(id, { archive });
    const published = ['sending', 'paused', 'sent'].includes(c.status);
    const flash = !archive
      ? 'Taken out of the public archive'
      : published
        ? `Published in the archive at /archive/${c.archiveSlug}`
        : `It will be published at /archive/${c.archiveSlug} once sent`;
    this.views.redirect(res, `/admin/campaigns/${id}`, flash);
  }
}
