import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { Composed, MailComposer, MailComposers } from '../delivery/mail-composers';
import type { Message } from '../delivery/message.repository';
import { RendererService, TemplateSource } from '../templates/render/renderer.service';
import { TemplateDataError } from '../templates/template-errors';
import { TemplatesService } from '../templates/templates.service';

/**
 * Writes the mail of every message made of a template and its data: order/API mail, and the service's own
 * mail to a person (the subscription confirmation, the preferences link), which also says it was sent by a
 * machine (Auto-Submitted, RFC 3834) so that auto-responders do not answer it. No tracking, no List-Unsubscribe.
 */
@Injectable()
export class TemplateMailComposer implements MailComposer, OnModuleInit {
  constructor(
    private readonly composers: MailComposers,
    private readonly templates: TemplatesService,
    private readonly renderer: RendererService,
  ) {}

  onModuleInit(): void {
    this.composers.register(['transactional', 'confirmation', 'preferences-link'], this);
  }

  async compose(message: Message): Promise<Composed> {
    try {
      const rendered = this.renderer.fill(
        await this.renderer.compile(await this.sourceOf(message)),
        message.data ?? {},
      );
      const headers: Record<string, string> =
        message.kind === 'transactional' ? {} : { 'Auto-Submitted': 'auto-generated' };
      return {
        mail: {
          to: { name: message.toName, address: message.toEmail },
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          headers,
        },
      };
    } catch (e) {
      // The data was checked when the message was made; failing now means the template changed under it: no retry helps.
      if (!(e instanceof TemplateDataError)) throw e;
      return { failed: `cannot render: ${([] as string[]).concat(e.messages).join('; ')}` };
    }
  }

  /** Exactly the version validated when it was queued; if a new release no longer ships that built-in file, its current one. */
  private async sourceOf(message: Message): Promise<TemplateSource> {
    try {
      if (message.templateVersionId) return await this.templates.getVersion(message.templateVersionId);
    } catch (e) {
      if (!(e instanceof NotFoundException)) throw e;
    }
    return (await this.templates.resolve(message.template)).source;
  }
}
