import { Injectable } from '@nestjs/common';
import { Feed } from 'feed';
import { CampaignContentService } from '../campaigns/campaign-content.service';
import { CampaignMailService } from '../campaigns/campaign-mail.service';
import { Campaign, CampaignRepository } from '../campaigns/campaign.repository';
import { PageQuery } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { CampaignRecipient, RecipientUrls } from '../delivery/personalize';
import { SettingsService } from '../settings/settings.service';
import { LruCache } from '../templates/render/lru-cache';
import { RenderedMessage } from '../templates/render/renderer.service';
import { ArchiveEntry, archiveIndexPage, archiveIssuePage } from './archive-pages';

/**
 * Who an archived newsletter is filled for: nobody. A reader's name, address or attributes never reach the
 * archive; templates that greet the reader greet "Reader".
 */
export const ARCHIVE_READER: Readonly<Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>> = {
  email: 'reader@example.com',
  name: 'Reader',
  attributes: {},
};

/** The most newsletters one index page lists (`?limit=` above it is lowered to it). */
const PAGE_MAX = 50;
/** How many newsletters the feed carries (the newest). */
const FEED_SIZE = 50;
/** Rendered newsletters kept: a feed or index request renders up to 50, and these pages are public. */
const RENDERS_KEPT = 200;
/** The feed's description of an item: the start of its text part. */
const SUMMARY_CHARS = 400;

/**
 * The public archive: campaigns marked `archive` that have gone to their readers (sending, paused or sent),
 * rendered with ARCHIVE_READER's data, no tracking, and links that act on nobody (both the unsubscribe and the
 * preferences link lead to /archive/unsubscribe, a page that says so).
 */
@Injectable()
export class ArchiveService {
  /**
   * Renders by everything a public copy depends on (the version, subject and name, the postal address): without
   * it every anonymous feed request would render 50 newsletters (~300 ms of CPU), a cheap way to load the service.
   */
  private readonly renders = new LruCache<string, RenderedMessage>(RENDERS_KEPT);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly content: CampaignContentService,
    private readonly mail: CampaignMailService,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
  ) {}

  /** Each entry is rendered (its title is the subject filled for the sample reader): at most PAGE_MAX a page. */
  async indexPage(query: PageQuery): Promise<string> {
    const limit = Math.min(query.limit, PAGE_MAX);
    const [rows, total] = await this.campaigns.archivedPage((query.page - 1) * limit, limit);
    const entries = await Promise.all(rows.map(async (c) => this.entryOf(c, await this.render(c))));
    return archiveIndexPage(await this.heading(), entries, { page: query.page, limit, total });
  }

  /** The newsletter's page, or null when no published newsletter has that slug. */
  async issuePage(slug: string): Promise<string | null> {
    const campaign = await this.campaigns.findArchived(slug);
    if (!campaign) return null;
    const rendered = await this.render(campaign);
    return archiveIssuePage(rendered.html, this.entryOf(campaign, rendered), await this.settings.brand(), this.base);
  }

  /** RSS 2.0 of the newest FEED_SIZE: title, link, guid (the link), pubDate, description (the text's start). */
  async feed(): Promise<string> {
    const [rows] = await this.campaigns.archivedPage(0, FEED_SIZE);
    const title = await this.heading();
    const feed = new Feed({
      title,
      description: `Newsletters published by ${title.replace(/: newsletter archive$/, '')}`,
      id: `${this.base}/archive`,
      link: `${this.base}/archive`,
      language: 'en',
      copyright: '',
      updated: rows[0] ? publishedAt(rows[0]) : undefined,
      feedLinks: { rss: `${this.base}/archive/feed.xml` },
    });
    for (const c of rows) {
      const rendered = await this.render(c);
      const entry = this.entryOf(c, rendered);
      const link = `${this.base}/archive/${entry.slug}`;
      feed.addItem({
        title: entry.title,
        id: link,
        link,
        date: entry.publishedAt,
        description: summary(rendered.text),
      });
    }
    return feed.rss2();
  }

  private async render(campaign: Campaign): Promise<RenderedMessage> {
    const companyAddress = await this.settings.companyAddress();
    const key = JSON.stringify([campaign.templateVersionId, campaign.subject, campaign.name, companyAddress]);
    const kept = this.renders.get(key);
    if (kept) return kept;
    const compiled = await this.content.compiled(campaign);
    const nowhere = `${this.base}/archive/unsubscribe`;
    const urls: RecipientUrls = { unsubscribeUrl: nowhere, preferencesUrl: nowhere };
    const rendered = this.mail.renderPublic(campaign, compiled, ARCHIVE_READER, urls, companyAddress);
    this.renders.set(key, rendered);
    return rendered;
  }

  private entryOf(campaign: Campaign, rendered: RenderedMessage): ArchiveEntry {
    return { slug: campaign.archiveSlug!, title: rendered.subject, publishedAt: publishedAt(campaign) };
  }

  private async heading(): Promise<string> {
    const { name } = await this.settings.brand();
    return name ? `${name}: newsletter archive` : 'Newsletter archive';
  }

  private get base(): string {
    return this.config.publicUrl.replace(/\/+$/, '');
  }
}

/** When it went to its readers (a sending campaign always has startedAt; the others are a fallback). */
function publishedAt(c: Campaign): Date {
  return c.startedAt ?? c.sendAt ?? c.archivedAt ?? c.createdAt;
}

function summary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SUMMARY_CHARS ? `${flat.slice(0, SUMMARY_CHARS).replace(/\s+\S*$/, '')}…` : flat;
}
