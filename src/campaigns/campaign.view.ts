import { Campaign, CampaignStatus } from './campaign.entity';
import { ContentFormat } from './content-formats/content-format';
import { Progress } from './campaign-messages.service';
import { AbTestSettings } from './ab-test';

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
  /** an A/B test: its variants (subject, and the template of those with content of their own) and settings */
  variants: { subject: string; templateId: string | null; ownContent: boolean }[] | null;
  abTest: AbTestSettings | null;
  /** the winning variant's index once chosen */
  abWinner: number | null;
  /** set on the hidden campaigns that send an A/B test's variants: the test's campaign */
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** an A/B test's: its variants' and its winner's sends summed */
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
    variants:
      c.variants?.map((v) => ({ subject: v.subject, templateId: v.templateId, ownContent: !!v.templateVersionId })) ??
      null,
    abTest: c.abTest,
    abWinner: c.abWinner,
    parentId: c.parentId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    progress,
  };
}
