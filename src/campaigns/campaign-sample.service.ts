import { Injectable } from '@nestjs/common';
import { FooterNeeds } from '../delivery/legal-footer';
import { OutgoingMail } from '../delivery/mail-sender.service';
import { CampaignRecipient } from '../delivery/personalize';
import { ListsService } from '../lists/lists.service';
import { SettingsService } from '../settings/settings.service';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { AudienceService } from './audience.service';
import { audienceOf } from './audience-spec';
import { CampaignContentService } from './campaign-content.service';
import { CampaignMailService } from './campaign-mail.service';
import { Campaign } from './campaign.entity';

/** The name a test send is filled with when the campaign's lists have nobody yet (the address is the one typed). */
export const TEST_RECIPIENT_NAME = 'Test Recipient';

type SampleData = Pick<CampaignRecipient, 'email' | 'name' | 'attributes'>;

/** A campaign ready to be rendered with sample data: for the preview, and for test sends. */
export interface CampaignSample {
  /** the first recipient the campaign would reach, if its lists have anybody */
  first: { email: string; name: string } | null;
  /** the mail filled with the first recipient's data, or `fallback`'s when there is nobody yet */
  compose(fallback: SampleData): OutgoingMail;
  footerNeeds(fallback: SampleData): FooterNeeds;
}

/**
 * What test sends and the preview render with: the data of the first subscriber the campaign would reach,
 * or a fallback when its lists have nobody yet. Every link is a test link that names nobody (no tracking
 * recorded, nobody unsubscribed, no preference centre opened), and nothing is counted for the campaign.
 */
@Injectable()
export class CampaignSampleService {
  constructor(
    private readonly lists: ListsService,
    private readonly content: CampaignContentService,
    private readonly audience: AudienceService,
    private readonly mail: CampaignMailService,
    private readonly settings: SettingsService,
    private readonly subscribers: SubscriberRepository,
  ) {}

  async of(campaign: Campaign): Promise<CampaignSample> {
    const compiled = await this.content.compiled(campaign);
    const first = await this.audience.first(audienceOf(campaign));
    const profile = first ? await this.subscribers.attributesOf(first.subscriberId) : null;
    const list = (await this.lists.assertListsExist(campaign.listIds.slice(0, 1)).catch(() => []))[0] ?? {
      id: campaign.id,
      name: campaign.name,
    };
    const companyAddress = await this.settings.companyAddress();
    const sampleOf = (fallback: SampleData) =>
      first ? { email: first.email, name: first.name, attributes: profile?.attributes ?? {} } : fallback;
    return {
      first: first && { email: first.email, name: first.name },
      compose: (fallback) => this.mail.composeTest(campaign, compiled, sampleOf(fallback), list, companyAddress),
      footerNeeds: (fallback) => this.mail.footerNeeds(campaign, compiled, sampleOf(fallback), companyAddress),
    };
  }
}
