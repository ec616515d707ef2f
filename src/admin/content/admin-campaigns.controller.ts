import { MinRole } from '../../auth/auth.decorators';
import { Body, Get, Post, Query, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { isUUID } from 'class-validator';
import { CampaignView } from '../../campaigns/campaign.view';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { IdParam } from '../../common/id-param';
import { AdminController } from '../admin-controller';
import { pageParam } from '../pager';
import { formArray } from '../admin-form';
import { AdminRequest } from '../session/admin-user';
import { AdminViews } from '../views/admin-views.service';
import { CampaignPages, ProgressJson, progressJson } from './campaign-pages.service';
import { ContentStep } from './content-step.service';

const PAGE_SIZE = 25;
const EDITABLE = ['draft', 'scheduled'];

/** /admin/campaigns: the list, a new campaign's first step, a campaign's page with its live progress and controls. */
@AdminController('campaigns')
export class AdminCampaignsController {
  constructor(
    private readonly views: AdminViews,
    private readonly campaigns: CampaignsService,
    private readonly pages: CampaignPages,
    private readonly content: ContentStep,
  ) {}

  @Get()
  async index(@Req() req: AdminRequest, @Res() res: Response, @Query('page') pageQuery?: string): Promise<void> {
    const page = pageParam(pageQuery);
    const found = await this.campaigns.list({ page, limit: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    this.views.page(req, res, 'campaigns/index', {
      title: 'Campaigns',
      nav: 'campaigns',
      campaigns: found.items.map((c) => ({ ...c, ...rowOf(c) })),
      pager: pages > 1 ? { page, pages, prev: page > 1 ? page - 1 : null, next: page < pages ? page + 1 : null } : null,
    });
  }

  @Get('new')
  @MinRole('editor')
  async create(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.content.show(req, res, await this.content.blank(), null);
  }

  /** Step 1 saved for the first time: the draft is created, and the next step is the audience. */
  @Post()
  async store(@Req() req: AdminRequest, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const id = await this.content.save(req, res, body, null);
    if (id) this.views.redirect(res, `/admin/campaigns/${id}/audience`, 'Draft saved: now choose who gets it');
  }

  @Get(':id')
  async show(@Req() req: AdminRequest, @Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.campaigns.get(id);
    const lists = await this.pages.allLists();
    const editable = EDITABLE.includes(campaign.status);
    this.views.page(req, res, 'campaigns/show', {
      title: campaign.name,
      nav: 'campaigns',
      campaign,
      progress: progressJson(campaign),
      listNames: lists.filter((l) => campaign.listIds.includes(l.id)).map((l) => l.name),
      recipients: editable ? await this.pages.recipientCount(campaign) : null,
      from: fromOf(campaign, this.pages.defaultFrom()),
      editable,
      steps: editable ? this.pages.steps(campaign.id, 'review').map((s) => ({ ...s, current: false })) : null,
      isSending: campaign.status === 'sending',
      isPaused: campaign.status === 'paused',
      canCancel: ['scheduled', 'sending', 'paused'].includes(campaign.status),
      canDelete: ['draft', 'scheduled', 'sent', 'cancelled'].includes(campaign.status),
      hasReport: ['sending', 'paused', 'sent', 'cancelled'].includes(campaign.status),
    });
  }

  /** What the progress bar polls while the campaign is sending. */
  @Get(':id/progress.json')
  progress(@IdParam() id: string): Promise<ProgressJson> {
    return this.pages.progress(id);
  }

  /** The recipient count for lists (and a segment) chosen on the audience step, before they are saved. */
  @Get(':id/audience-count.json')
  async audienceCount(
    @Query('listIds') listIds: unknown,
    @Query('segmentId') segmentId: unknown,
  ): Promise<{ count: number }> {
    const ids = formArray(listIds).filter((id) => isUUID(id));
    const segment = typeof segmentId === 'string' && isUUID(segmentId) ? segmentId : null;
    return { count: await this.pages.recipientCount({ listIds: ids, segmentId: segment }) };
  }

  @Post(':id/pause')
  async pause(@Res() res: Response, @IdParam() id: string): Promise<void> {
    await this.campaigns.pause(id);
    this.views.redirect(res, `/admin/campaigns/${id}`, 'Paused: nothing more goes out until you resume');
  }

  @Post(':id/resume')
  async resume(@Res() res: Response, @IdParam() id: string): Promise<void> {
    await this.campaigns.resume(id);
    this.views.redirect(res, `/admin/campaigns/${id}`, 'Sending again');
  }

  @Post(':id/cancel')
  async cancel(@Res() res: Response, @IdParam() id: string): Promise<void> {
    await this.campaigns.cancel(id);
    this.views.redirect(res, `/admin/campaigns/${id}`, 'Cancelled: what was not yet sent never will be');
  }

  /** A new draft with the same content, audience and settings; its content step is where the editor goes on. */
  @Post(':id/clone')
  async clone(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const copy = await this.campaigns.clone(id);
    this.views.redirect(res, `/admin/campaigns/${copy.id}/content`, `Cloned: this is “${copy.name}”, a new draft`);
  }

  @Post(':id/delete')
  async remove(@Res() res: Response, @IdParam() id: string): Promise<void> {
    const campaign = await this.campaigns.get(id);
    await this.campaigns.remove(id);
    this.views.redirect(res, '/admin/campaigns', `Campaign “${campaign.name}” deleted`);
  }
}

/** A row of the list: its progress as text and a bar. */
function rowOf(c: CampaignView) {
  const p = progressJson(c);
  return {
    percent: p.percent,
    showProgress: ['sending', 'paused'].includes(c.status),
    when: c.finishedAt ?? c.startedAt ?? c.sendAt ?? c.createdAt,
    whenLabel: c.finishedAt ? 'Finished' : c.startedAt ? 'Started' : c.sendAt ? 'Scheduled for' : 'Created',
  };
}

export function fromOf(
  c: Pick<CampaignView, 'fromName' | 'fromEmail'>,
  fallback: { name: string; email: string },
): string {
  const name = c.fromName ?? fallback.name;
  const email = c.fromEmail ?? fallback.email;
  return name ? `${name} <${email}>` : email;
}
