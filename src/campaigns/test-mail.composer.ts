import { Injectable, OnModuleInit } from '@nestjs/common';
import { Composed, MailComposer, MailComposers } from '../delivery/mail-composers';
import type { Message } from '../delivery/message.repository';
import { TemplateDataError } from '../templates/template-errors';
import { CampaignMailService } from './campaign-mail.service';
import { CampaignSampleService, TEST_RECIPIENT_NAME } from './campaign-sample.service';
import { CampaignRepository } from './campaign.repository';

/**
 * Writes a campaign's test send when the outbox sends it (message kind 'test', data `{campaignId}`): the
 * campaign as it is now, filled with its sample data, every link a test link that acts on nobody, the legal
 * footer as the real mail has it, and the subject marked [Test].
 */
@Injectable()
export class TestMailComposer implements MailComposer, OnModuleInit {
  constructor(
    private readonly composers: MailComposers,
    private readonly campaigns: CampaignRepository,
    private readonly samples: CampaignSampleService,
    private readonly mail: CampaignMailService,
  ) {}

  onModuleInit(): void {
    this.composers.register(['test'], this);
  }

  async compose(message: Message): Promise<Composed> {
    const campaignId = message.data?.campaignId;
    const campaign = typeof campaignId === 'string' ? await this.campaigns.findById(campaignId) : null;
    if (!campaign) return { skipped: 'the campaign was deleted' };
    try {
      const mail = (await this.samples.of(campaign)).compose({
        email: message.toEmail,
        name: TEST_RECIPIENT_NAME,
        attributes: {},
      });
      return {
        mail: {
          ...mail,
          to: { address: message.toEmail },
          subject: `[Test] ${mail.subject}`,
          messageId: this.mail.messageIdFor(campaign, message.id),
        },
      };
    } catch (e) {
      // Checked when the test was asked for; failing now means the campaign changed under it.
      if (!(e instanceof TemplateDataError)) throw e;
      return { failed: `cannot render: ${([] as string[]).concat(e.messages).join('; ')}` };
    }
  }
}
