import { Injectable, OnModuleInit } from '@nestjs/common';
import { CampaignContentService } from '../campaigns/campaign-content.service';
import { CampaignMailService } from '../campaigns/campaign-mail.service';
import { Composed, MailComposer, MailComposers } from '../delivery/mail-composers';
import type { Message } from '../delivery/message.repository';
import { SuppressionService } from '../delivery/suppression.service';
import { ListRepository } from '../lists/list.repository';
import { SettingsService } from '../settings/settings.service';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { TemplateDataError } from '../templates/template-errors';
import type { CompiledTemplate } from '../templates/render/renderer.service';
import { AutomationRepository } from './automation.repository';

/** Compiled steps kept (a step's version and subject never change: an edit makes a new version). */
const COMPILED_KEPT = 100;

/**
 * Writes an automation step's mail when the outbox sends it (message kind 'automation', data
 * `{automationId, stepIndex}`): campaign mail in every respect (List-Unsubscribe with one-click, List-Id,
 * Feedback-ID, the legal footer where the template lacks it, open and click tracking unless the person turned it
 * off), made by the campaign composer with the automation in the campaign's place. Checked again just before SMTP:
 * a person who left the automation's lists, was blocklisted, suppressed or erased meanwhile is skipped, and so is
 * every mail of a stopped automation.
 */
@Injectable()
export class AutomationMailComposer implements MailComposer, OnModuleInit {
  /** By version and subject: each step's mail would otherwise read its template version again. */
  private readonly compiledSteps = new Map<string, CompiledTemplate>();

  constructor(
    private readonly composers: MailComposers,
    private readonly automations: AutomationRepository,
    private readonly content: CampaignContentService,
    private readonly mail: CampaignMailService,
    private readonly subscribers: SubscriberRepository,
    private readonly suppressions: SuppressionService,
    private readonly lists: ListRepository,
    private readonly settings: SettingsService,
  ) {}

  onModuleInit(): void {
    this.composers.register(['automation'], this);
  }

  async compose(message: Message): Promise<Composed> {
    const { automationId, stepIndex } = message.data ?? {};
    const automation = typeof automationId === 'string' ? await this.automations.findById(automationId) : null;
    const step = automation && typeof stepIndex === 'number' ? automation.steps[stepIndex] : undefined;
    if (!automation || !step) return { skipped: 'the automation or its step was deleted' };
    if (automation.status === 'stopped') return { skipped: 'the automation was stopped' };
    const subscriberId = message.subscriberId;
    if (!subscriberId) return { skipped: 'the subscriber was erased' };
    // the checks and what the mail needs, asked at once
    const [person, [status], suppressed, [list], companyAddress] = await Promise.all([
      this.subscribers.findById(subscriberId),
      this.subscribers.audienceStatusOf([subscriberId], automation.listIds),
      this.suppressions.isSuppressed(message.toEmail),
      this.lists.findByIds(automation.listIds.slice(0, 1)),
      this.settings.companyAddress(),
    ]);
    if (!person) return { skipped: 'the subscriber was erased' };
    if (!status || status.status !== 'enabled' || !Number(status.member))
      return { skipped: 'no longer subscribed to a list of the automation' };
    // the mail goes to the message's address; the person's current one is checked too when it changed
    if (suppressed || (person.email !== message.toEmail && (await this.suppressions.isSuppressed(person.email))))
      return { skipped: 'the address is suppressed' };
    try {
      const compiled = await this.compiledStep(step);
      const mail = this.mail.compose(
        {
          id: automation.id,
          name: automation.name,
          trackOpens: true,
          trackClicks: true,
          fromName: null,
          fromEmail: null,
        },
        compiled,
        {
          messageId: message.id,
          subscriberId,
          email: message.toEmail,
          name: person.name,
          attributes: person.attributes,
        },
        list ?? { id: automation.id, name: automation.name },
        person.trackingEnabled,
        companyAddress,
      );
      return { mail };
    } catch (e) {
      if (!(e instanceof TemplateDataError)) throw e;
      return { failed: `cannot render: ${([] as string[]).concat(e.messages).join('; ')}` };
    }
  }

  private async compiledStep(step: { templateVersionId: string; subject: string }): Promise<CompiledTemplate> {
    const key = `${step.templateVersionId}\n${step.subject}`;
    const kept = this.compiledSteps.get(key);
    if (kept) return kept;
    const compiled = await this.content.compiled(step);
    if (this.compiledSteps.size >= COMPILED_KEPT) this.compiledSteps.delete(this.compiledSteps.keys().next().value!);
    this.compiledSteps.set(key, compiled);
    return compiled;
  }
}
