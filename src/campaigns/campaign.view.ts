import { Campaign, CampaignStatus } from './campaign.entity';
import { ContentFormat } from './content-formats/content-format';
import { Progress } from './campaign-messages.service';

export interface CampaignView {
  id: string;
  name: string;
  subject: string;
  fromName: string | null;
  fromEmail: string | null;
  templateId: string | null;
  templateVersionId: string;
  contentFormat: ContentFormat;
  /** the Markdown or rich text as written; null for MJML */
  content: string | null;
  layoutTemplateId: string | null;
  listIds: string[];
  segmentId: string | null;
  trackOpens: boolean;
  trackClicks: boolean;
  status: CampaignStatus;
  sendAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** published in the public archive once sending starts, at /archive/{archiveSlug} */
  archive: boolean;
  archiveSlug: string | null;
  createdAt: Date;
  updatedAt: Date;
  progress: Progress;
}

export function campaignView(c: Campaign, progress: Progress): CampaignView {
  return {
    id: c.id,
    name: c.name,
    subject: c.subject,
    fromName: c.fromName,
    fromEmail: c.fromEmail,
    templateId: c.templateId,
    templateVersionId: c.templateVersionId,
    contentFormat: c.contentFormat,
    content: c.contentSource,
    layoutTemplateId: c.layoutTemplateId,
    listIds: c.listIds,
    segmentId: c.segmentId ?? null,
    trackOpens: Boolean(c.trackOpens),
    trackClicks: Boolean(c.trackClicks),
    status: c.status,
    sendAt: c.sendAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    archive: Boolean(c.archive),
    archiveSlug: c.archiveSlug,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    progress,
  };
}
