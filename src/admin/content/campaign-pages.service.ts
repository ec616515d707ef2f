import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AudienceService } from '../../campaigns/audience.service';
import type { AudienceSpec } from '../../campaigns/audience-spec';
import { SegmentsService } from '../../segments/segments.service';
import { CampaignView } from '../../campaigns/campaign.view';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { Progress } from '../../campaigns/campaign-messages.service';
import { AppConfig } from '../../config/app-config';
import { ListView, ListsService } from '../../lists/lists.service';
import { SettingsService } from '../../settings/settings.service';
import { TemplatesService } from '../../templates/templates.service';
import { AdminViews } from '../views/admin-views.service';
import { BuiltInSummary, TemplateSummary } from '../../templates/template.view';

/** A template a campaign can be made from, as the content step offers it. */
export interface TemplateChoice {
  /** a stored template's id, or `builtin:<slug>` */
  value: string;
  name: string;
  subject: string;
  builtIn: boolean;
  previewUrl: string;
}

/** Where the campaign's steps are, and which are done. */
export interface Step {
  key: 'content' | 'audience' | 'settings' | 'review';
  label: string;
  href: string;
  current: boolean;
}

export const STEP_LABELS: Array<[Step['key'], string]> = [
  ['content', 'Content'],
  ['audience', 'Audience'],
  ['settings', 'Settings'],
  ['review', 'Review and send'],
];

/** Progress as the campaign page's poll reads it. */
export interface ProgressJson extends Progress {
  status: CampaignView['status'];
  percent: number;
  done: boolean;
}

/**
 * What the campaign pages show besides the campaign: template choices, lists with the recipient count,
 * sender addresses, the progress of a send. Reads only, over the feature services.
 */
@Injectable()
export class CampaignPages {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly audience: AudienceService,
    private readonly lists: ListsService,
    private readonly templates: TemplatesService,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
    private readonly segments: SegmentsService,
    private readonly views: AdminViews,
  ) {}

  /** The campaign while it can still be changed (draft or scheduled); otherwise null, sent back to its page. */
  async editable(res: Response, id: string): Promise<CampaignView | null> {
    const campaign = await this.campaigns.get(id);
    if (campaign.status === 'draft' || campaign.status === 'scheduled') return campaign;
    this.views.redirect(
      res,
      `/admin/campaigns/${id}`,
      `This campaign is ${campaign.status}: it can no longer be changed`,
    );
    return null;
  }

  /** The segments an audience may be narrowed to, the chosen one marked. */
  async segmentChoices(chosen: string | null): Promise<{ id: string; name: string; selected: boolean }[]> {
    return (await this.segments.names()).map((s) => ({ ...s, selected: s.id === chosen }));
  }

  /** Stored campaign templates first, then the built-in campaign layouts. */
  async templateChoices(): Promise<TemplateChoice[]> {
    const found = await this.templates.list(1, 1000, { kind: 'campaign' });
    const items: Array<TemplateSummary | BuiltInSummary> = found.items;
    return [
      ...items
        .filter((t): t is TemplateSummary => !t.builtIn)
        .map((t) => ({
          value: t.id,
          name: t.name,
          subject: t.subject,
          builtIn: false,
          previewUrl: `/admin/templates/${t.id}/preview`,
        })),
      ...items
        .filter((t): t is BuiltInSummary => t.builtIn && !t.overridden)
        .map((t) => ({
          value: `builtin:${t.slug}`,
          name: t.name,
          subject: t.subject,
          builtIn: true,
          previewUrl: `/admin/templates/built-in/${t.slug}/preview`,
        })),
    ];
  }

  /** Every list (names and sizes), for the audience step and to name a campaign's lists. */
  async allLists(): Promise<ListView[]> {
    return (await this.lists.list({ page: 1, limit: 1000 })).items;
  }

  /** How many people the campaign would reach now: the audience's own rules. */
  recipientCount(spec: AudienceSpec): Promise<number> {
    return this.audience.count(spec);
  }

  async senders(): Promise<Array<{ name: string; email: string }>> {
    return this.settings.senders();
  }

  /** MAIL_FROM's name and address: what a campaign without its own From uses. */
  defaultFrom(): { name: string; email: string } {
    const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(this.config.mailFrom);
    return m ? { name: m[1].trim(), email: m[2].trim() } : { name: '', email: this.config.mailFrom.trim() };
  }

  steps(campaignId: string | null, current: Step['key']): Step[] {
    return STEP_LABELS.map(([key, label], i) => ({
      key,
      label: `${i + 1}. ${label}`,
      href: campaignId ? `/admin/campaigns/${campaignId}/${key}` : key === 'content' ? '/admin/campaigns/new' : '',
      current: key === current,
    }));
  }

  async progress(id: string): Promise<ProgressJson> {
    return progressJson(await this.campaigns.get(id));
  }
}

export function progressJson(c: CampaignView): ProgressJson {
  const p = c.progress;
  const finished = p.sent + p.failed + p.skipped + p.cancelled;
  const percent = c.status === 'sent' ? 100 : p.total > 0 ? Math.floor((100 * finished) / p.total) : 0;
  return {
    status: c.status,
    total: p.total,
    sent: p.sent,
    failed: p.failed,
    pending: p.pending,
    skipped: p.skipped,
    cancelled: p.cancelled,
    percent,
    done: c.status !== 'sending',
  };
}
