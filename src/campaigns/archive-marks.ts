import { Injectable } from '@nestjs/common';
import { slugify } from '../templates/templates.service';
import { Campaign, CampaignChanges, CampaignRepository } from './campaign.repository';

/** Statuses in which the slug still follows the subject: nothing has been published under it yet. */
const UNPUBLISHED = ['draft', 'scheduled'];
const SLUG_MAX = 100;
/** Paths of the archive itself (/archive/unsubscribe): never a campaign's slug. */
const RESERVED = new Set(['unsubscribe']);

/**
 * The archive fields of a campaign (`archive`, `archiveSlug`, `archivedAt`) as they change with a save.
 * The slug comes from the subject (its Handlebars variables left out) and is unique. While the campaign is a
 * draft or scheduled it follows the subject; once sending starts it never changes again, not even when the
 * campaign leaves the archive and comes back, so a published address stays the same.
 */
@Injectable()
export class ArchiveMarks {
  constructor(private readonly campaigns: CampaignRepository) {}

  /** `before` is null for a new campaign; `archive` undefined when the save does not touch it. */
  async changesFor(
    before: Pick<Campaign, 'id' | 'status' | 'archive' | 'archiveSlug'> | null,
    archive: boolean | undefined,
    subject: string,
  ): Promise<CampaignChanges> {
    const marked = archive ?? Boolean(before?.archive);
    const changes: CampaignChanges = {};
    if (archive !== undefined && archive !== Boolean(before?.archive)) {
      changes.archive = archive;
      changes.archivedAt = archive ? new Date() : null;
    }
    const slug = before?.archiveSlug ?? null;
    const movable = !before || UNPUBLISHED.includes(before.status);
    if (marked && (!slug || (movable && !followsSubject(slug, subject))))
      changes.archiveSlug = await this.freeSlug(subject, before?.id);
    return changes;
  }

  private async freeSlug(subject: string, campaignId?: string): Promise<string> {
    const base = slugOf(subject);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (RESERVED.has(candidate)) continue;
      if (!(await this.campaigns.archiveSlugTaken(candidate, campaignId))) return candidate;
    }
  }
}

/** `Autumn issue: {{subscriber.name}}, our picks` → `autumn-issue-our-picks`. */
export function slugOf(subject: string): string {
  const slug = slugify(subject.replace(/\{\{\{?[^}]*\}?\}\}/g, ' '))
    .slice(0, SLUG_MAX)
    .replace(/-+$/, '');
  return slug === 'template' && !/template/i.test(subject) ? 'newsletter' : slug;
}

/** The slug is the subject's, or the subject's with a number added to make it unique. */
function followsSubject(slug: string, subject: string): boolean {
  const base = slugOf(subject);
  return slug === base || new RegExp(`^${base}-\\d+$`).test(slug);
}
